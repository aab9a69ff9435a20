# cmake -DSCDOC=scdoc -DIN=PAGE.scd -DOUT=PAGE -DFOOTER=TEXT -P scdoc.cmake
# One page: the source's title line gets the release as its footer
# ("qhall(1)" becomes "qhall(1) "qhall 0.1.0""), then scdoc turns it into
# roff.  A failed page leaves no output behind, so the next build tries
# again instead of installing half a page.
file(READ ${IN} text)
string(REGEX REPLACE "^([^\n]+\\([0-9]\\))\n" "\\1 \"${FOOTER}\"\n" text "${text}")
set(tmp ${OUT}.scd)
file(WRITE ${tmp} "${text}")
execute_process(COMMAND ${SCDOC} INPUT_FILE ${tmp} OUTPUT_FILE ${OUT}.tmp
                ERROR_VARIABLE err RESULT_VARIABLE rc)
file(REMOVE ${tmp})
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${IN}: scdoc failed: ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
