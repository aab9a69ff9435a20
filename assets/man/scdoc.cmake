# cmake -DSCDOC=scdoc -DIN=PAGE.scd -DOUT=PAGE -DFOOTER=TEXT [-DEPOCH=SECONDS]
#       [-DGZIP=gzip] -P scdoc.cmake
# One page: the source's title line gets the release as its footer
# ("qhall(1)" becomes "qhall(1) "qhall 0.1.0""), then scdoc turns it into
# roff (dated EPOCH, when given); with GZIP, also PAGE.gz to install.  A
# failed page leaves no output behind, so the next build tries again
# instead of installing half a page.
file(READ ${IN} text)
string(REGEX REPLACE "^([^\n]+\\([0-9]\\))\n" "\\1 \"${FOOTER}\"\n" text "${text}")
set(tmp ${OUT}.scd)
file(WRITE ${tmp} "${text}")
set(env)
if(EPOCH)
  set(env ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=${EPOCH})
endif()
execute_process(COMMAND ${env} ${SCDOC} INPUT_FILE ${tmp} OUTPUT_FILE ${OUT}.tmp
                ERROR_VARIABLE err RESULT_VARIABLE rc)
file(REMOVE ${tmp})
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${IN}: scdoc failed: ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
if(GZIP)
  execute_process(COMMAND ${GZIP} -9nc INPUT_FILE ${OUT} OUTPUT_FILE ${OUT}.gz.tmp
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE ${OUT}.gz.tmp)
    message(FATAL_ERROR "${OUT}: gzip failed")
  endif()
  file(RENAME ${OUT}.gz.tmp ${OUT}.gz)
endif()
