#!/usr/bin/env bash
# A short scripted service day of the L-town hall, through the qhall CLI.
#
#   tests/demo.sh [BUILD_DIR] [--ui]      (make demo runs it with --ui)
#
# Creates a fresh database with the built-in default hall and the sample
# catalogue, then plays a morning: staff log in, citizens take numbers
# (one by appointment, two through the green channel), windows call,
# recall, hold, transfer and finish, an admin enters ratings given on paper,
# and the hall's status
# is printed at the end.  The clock is fixed per step with QHALL_NOW, so
# the day is the same whenever it runs.  The database is left in place
# for you to explore:  build/qhall --db build/demo/qhall.db status
#
# With --ui the screens run beside the script: the hall display, the
# kiosk and the counters of windows 1 and 5, each in its own window, and
# the day is paced so each call can be seen and heard.  Without a graphical
# display they run headless and write screenshots to build/demo/shots.
set -euo pipefail

build=${1:-build}
ui=${2:-}
qhall=${QHALL_BIN:-$build/qhall}
db=${QHALL_DEMO_DB:-$build/demo/qhall.db}
day=${QHALL_DEMO_DAY:-2026-11-25}

[ -x "$qhall" ] || { echo "demo: $qhall not built (run make)" >&2; exit 1; }
mkdir -p "$(dirname "$db")"
rm -f "$db" "$db-wal" "$db-shm"

at() { export QHALL_NOW="${day}T$1:00+08:00"; }
q() { "$qhall" --db "$db" "$@"; }
say() { printf '\n\033[1m%s  %s\033[0m\n' "${QHALL_NOW:11:5}" "$*"; }

at 08:20
say "开门前：初始化 L镇政务服务中心（默认“2+1”大厅，393项示例事项）"
q init
printf '1234\n' | q staff add w01 --name 王芳
printf '2345\n' | q staff add w03 --name 李明
printf '345678\n' | q staff add w05 --name 赵敏 --role admin
q appointment add --service GG012 --at "${day}T09:30" --name 陈大爷 > /tmp/qhall-demo-code.$$
code=$(cat /tmp/qhall-demo-code.$$); rm -f /tmp/qhall-demo-code.$$
echo "预约签到码：$code"

pids=()
stop_ui() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
pace() { :; }
if [ "$ui" = --ui ]; then
  shots=$(dirname "$db")/shots
  rm -rf "$shots"; mkdir -p "$shots"
  bin=$(dirname "$qhall")
  headless=
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    headless=1
    export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
    say "没有图形显示：界面在后台运行，截图保存在 $shots"
  fi
  trap stop_ui EXIT
  # The screens keep one fixed time inside opening hours (the script moves
  # its own clock step by step).
  ui_now="${day}T09:00:00+08:00"
  QHALL_NOW=$ui_now "$bin/display/qhall-display" --db "$db" --windowed 960x540 \
      --shots "$shots" 2>"$shots/display.log" & pids+=($!)
  QHALL_NOW=$ui_now "$bin/kiosk/qhall-kiosk" --db "$db" --windowed 540x960 \
      2>"$shots/kiosk.log" & pids+=($!)
  for w in 1 5; do
    QHALL_NOW=$ui_now "$bin/counter/qhall-counter" --db "$db" --window $w \
        --windowed 800x480 2>"$shots/counter$w.log" & pids+=($!)
  done
  # Window 1's rating pad, facing the citizen: the slip sends them to it.
  QHALL_NOW=$ui_now "$bin/counter/qhall-counter" --db "$db" --pad --window 1 \
      --windowed 800x480 2>"$shots/pad1.log" & pids+=($!)
  pace() { sleep "${QHALL_DEMO_PACE:-2}"; }
fi

at 08:30
say "上班：三个窗口登录"
printf '1234\n' | q login --window 1 --staff w01
printf '2345\n' | q login --window 3 --staff w03
printf '345678\n' | q login --window 5 --staff w05

say "群众取号"
at 08:31; echo "取号 $(q issue --service XK001)（农村村民宅基地建房审批）"
at 08:33; echo "取号 $(q issue --service GG002)"
at 08:34; echo "取号 $(q issue --service GG010)"
at 08:36; echo "取号 $(q issue --queue C)（咨询）"
at 08:40; echo "取号 $(q issue --service GG003 --green elderly)（绿色通道：老年人）"
at 08:41; q --json issue --service XK010

at 08:45
say "叫号（3号窗口先叫绿色通道的老人 B003）"
q call --window 1; pace
q call --window 3; pace
q call --window 5; pace
at 08:46; q start --window 1
at 08:47; q recall --window 3; pace
at 08:49; q noshow --window 3
at 08:49; q call --window 3
at 08:50; q start --window 3
at 08:50; q start --window 5

at 08:58
say "1号窗口：材料不齐（需补件）；5号窗口：咨询后转到公共服务"
q finish --window 1 --outcome supplement --note "缺户口簿复印件"
printf '345678\n' | q rate A001 3 --channel paper --by w05
q transfer --window 5 --to-queue B --note "咨询后办理社保业务"

at 09:05
say "3号窗口：群众去复印材料（挂起），窗口继续叫号"
q hold --window 3
q call --window 3; pace
at 09:06; q start --window 3
at 09:12; q finish --window 3 --outcome done
printf '345678\n' | q rate B002 5 --channel paper --by w05
at 09:14; q release B001

at 09:15
say "5号窗口帮办：综合窗口空闲时协助审批队列"
q call --window 5; pace
at 09:16; q start --window 5
at 09:30; q finish --window 5 --outcome failed --note "需村委会证明，当场无法开具"
printf '345678\n' | q rate A002 2 --reason "跑了两次还办不成" --channel paper --by w05

at 09:31
say "预约群众签到（按预约时段排队）"
q checkin "$code"

at 09:32
say "回呼过号群众；办不成的事由5号窗口接手"
q callback B003 --window 1; pace
at 09:33; q start --window 1
at 09:40; q finish --window 1 --outcome done
printf '345678\n' | q rate B003 4 --channel paper --by w05
at 09:41
q call --window 5; pace
q call --window 3; pace

at 09:45
say "1号窗口午前会议暂停"
q pause --window 1 --reason 会议

say "大厅状态"
q status
say "事件日志（最后8条）"
q events | tail -n 8
say "一致性检查"
q check
echo
echo "数据库：$db   试试：$qhall --db $db status"
if [ "$ui" = --ui ]; then
  QHALL_NOW=$ui_now "$bin/kiosk/qhall-kiosk" --db "$db" --screenshot "$shots/kiosk.png" 2>/dev/null || true
  for w in 1 5; do
    QHALL_NOW=$ui_now "$bin/counter/qhall-counter" --db "$db" --window $w \
        --screenshot "$shots/counter$w.png" 2>/dev/null || true
  done
  QHALL_NOW=$ui_now "$bin/counter/qhall-counter" --db "$db" --pad --window 1 \
      --screenshot "$shots/pad1.png" >/dev/null 2>&1 || true
  QHALL_NOW=$ui_now "$bin/display/qhall-display" --db "$db" --screenshot "$shots/display.png" 2>/dev/null || true
  echo "截图：$shots"
  if [ -z "$headless" ] && [ -t 0 ]; then
    echo "大厅显示屏、取号机、1号和5号窗口终端及1号窗口评价器正在运行（工作人员 w01 密码 1234，w05 密码 345678）。按回车结束演示。"
    read -r _
  fi
fi
