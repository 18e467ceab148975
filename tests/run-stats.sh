#!/bin/sh
# The office's figures end to end (issue 16): citizens' MOs through smscsim
# become cases, refusals and survey answers; hotlinectl dispatches,
# returns, extends, supervises, closes; then hotlinectl stats (table,
# --json, --csv, --by ...), stats units, report (the bulletin) and publish
# are checked against the database (tests/data/stats/check.py counts with
# sqlite3), confidentiality withdraws a published case, and hostile
# periods and requests are refused.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 52

UNIT=unit-secret-0123456789ab
CHECK="$top_srcdir/tests/data/stats/check.py"
d="$T_DIR/s"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
hotlined_conf "$d" "$port" "service-number 12345
extension-digits 4
$(office_survey_conf "$aport" "$d/tokens")"
printf 'water\tunit\t%s\tHB-WATER\naud\tauditor\t%s\n' "$UNIT" "$AUDIT" \
    >>"$d/tokens"
db="$d/hotlined.db"
sent="$T_DIR/sent.jsonl"
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }
num() { sql "$db" "SELECT number FROM cases WHERE text LIKE '%$1%'"; }
status_is() { test "$(head -n 1 "$T_DIR/$1.out")" = "$2"; }
said() { test "$rc" -eq "$2" && grep -q -- "$3" "$T_DIR/$1.out"; }

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
if wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
    wait_log "$T_DIR/hl.out" 'admin +listening' 5; then
	ok "hotlined binds and serves the admin API"
else
	fail "hotlined binds and serves the admin API"
fi
ctl unit add HB-WATER 水务局 >/dev/null && ctl unit add HB-ROAD 公路局 >/dev/null

# --- the period's matters, through the real daemon -------------------------
mo 13800138020 12345 "投诉：建设路88号工地夜间施工噪音扰民，张先生，电话13800138099"
mo 13800138021 12345 "咨询：办理居住证需要哪些材料？"
mo 13800138022 12345 "求助：阳光小区5栋2单元门口路灯坏了，请维修"
mo 13800138023 12345 "投诉：饭店油烟扰民，粤P·12345经常乱停"
mo 13800138024 12345 "保密，我举报某厂偷排污水"
mo 13800138025 12345 "投诉：小区垃圾没人清理，王女士反映"
mo 13800138026 12345 "我的案子法院已经受理了，请热线帮忙催一下"
check "six cases and a refusal" is_eventually 6:1 "$db" \
    "SELECT (SELECT COUNT(*) FROM cases) || ':' || (SELECT COUNT(*) FROM refusals)"
c1=$(num 建设路88号)
c2=$(num 居住证)
c3=$(num 阳光小区)
c4=$(num 油烟)
c5=$(num 偷排)
c6=$(num 垃圾)
ctl case dispatch "$c1" HB-WATER >/dev/null &&
    ctl case close "$c1" 已责令工地夜间停工，张先生电话13800138099已回访。 >/dev/null
ctl case answer "$c2" 带身份证和租房合同到派出所办理。 >/dev/null
ctl case dispatch "$c3" HB-ROAD >/dev/null &&
    ctl case return "$c3" 不属于本单位职责 >/dev/null &&
    ctl case dispatch "$c3" HB-WATER >/dev/null &&
    ctl case extend "$c3" 1 需要更换灯杆 >/dev/null &&
    ctl case supervise "$c3" leader-instruction >/dev/null &&
    ctl case close "$c3" 路灯已修复。 >/dev/null
ctl case dispatch "$c4" HB-ROAD >/dev/null
ctl case dispatch "$c5" HB-WATER >/dev/null && ctl case close "$c5" 已查处。 >/dev/null
ctl case dispatch "$c6" HB-WATER >/dev/null && ctl case close "$c6" 已清运。 >/dev/null
check "the lifecycle went as planned" is_eventually 5 "$db" \
    "SELECT COUNT(*) FROM cases WHERE closed_at IS NOT NULL"
# satisfaction: 满意 for c1, 基本满意 for c3
wait_sms 8020 '请对案件' 1 && mo 13800138020 "$(survey_src 8020 1)" "1"
wait_sms 8022 '请对案件' 1 && mo 13800138022 "$(survey_src 8022 1)" "2"
check "two survey answers recorded" is_eventually 2 "$db" \
    "SELECT COUNT(*) FROM cases WHERE survey_score IN (1, 2)"
today=$(date +%Y-%m-%d)

# --- stats ----------------------------------------------------------------
run sj ctl --json stats
check "stats --json: every figure as the database counts it" python3 "$CHECK" "$db" "$T_DIR/sj.out"
run sc ctl --json stats --by category --day "$today"
check "stats --by category: the groups as the database counts them" python3 "$CHECK" "$db" "$T_DIR/sc.out"
run sd ctl --json stats --by day --week
check "stats --by day --week: the day's row and the totals agree" python3 "$CHECK" "$db" "$T_DIR/sd.out"
check "a refused text counts as received on its day" python3 -c 'import json,sys
g = json.load(open(sys.argv[1]))["groups"]
sys.exit(0 if len(g) == 1 and g[0]["received"] == 7 and g[0]["refused"] == 1 else 1)' "$T_DIR/sd.out"
run su ctl --json stats --by unit --from "$today" --to "$today"
check "stats --by unit: HB-WATER led four, HB-ROAD one" python3 -c 'import json,sys
g = {x["key"]: x["registered"] for x in json.load(open(sys.argv[1]))["groups"]}
sys.exit(0 if g == {"": 1, "HB-WATER": 4, "HB-ROAD": 1} else 1)' "$T_DIR/su.out"
run sch ctl --json stats --by channel
check "stats --by channel: everything came by SMS" python3 -c 'import json,sys
g = json.load(open(sys.argv[1]))["groups"]
sys.exit(0 if [(x["key"], x["received"]) for x in g] == [("sms", 7)] else 1)' "$T_DIR/sch.out"
run st ctl stats
sed "s/$today/DATE/g" "$T_DIR/st.out" >"$T_DIR/st.txt"
check "stats: the whole table" diff -u "$top_srcdir/tests/data/stats/stats.ok" "$T_DIR/st.txt"
run scsv ctl stats --csv --by category
check "stats --csv: a BOM, then the Chinese headings" sh -c "head -c 3 '$T_DIR/scsv.out' | od -An -tx1 | grep -q 'ef bb bf' && head -n 1 '$T_DIR/scsv.out' | grep -q '^.*category,受理量,登记,不予受理,直接答复,转办,退回,延期,办结,按时办结,按时办结率(%),当前超期,督办,重办,回访,参评,满意,基本满意,不满意,满意率(%),基本满意率(%),不满意率(%),满意度(%),参评率(%),待分类'"
check "stats --csv: CRLF lines, a row per category and the total" sh -c "test \$(grep -c \$(printf '\r') '$T_DIR/scsv.out') -eq 5 && grep -q '^complaint,4,4,0,0,4,0,0,3,3,100.0,0,0,0,3,1,1,0,0,100.0,0.0,0.0,100.0,33.3,0' '$T_DIR/scsv.out'"

# --- units ----------------------------------------------------------------
run un ctl --json stats units
check "stats units: cases, returns, on time as the database says" python3 -c 'import json,sys
u = {x["code"]: x for x in json.load(open(sys.argv[1]))["units"]}
w, r = u["HB-WATER"], u["HB-ROAD"]
ok = (w["cases"] == 4 and w["closed"] == 4 and w["on_time_rate"] == 100.0
    and w["extended"] == 1 and w["supervised"] == 1 and r["cases"] == 1
    and r["returns"] == 1 and r["return_rate"] == 50.0 and
    w["satisfaction_rate"] == 100.0 and w["avg_workdays"] == 0.0)
sys.exit(0 if ok else 1)' "$T_DIR/un.out"
check "stats units: by default (min-cases 5) neither unit is ranked yet" python3 -c 'import json,sys
u = json.load(open(sys.argv[1]))["units"]
sys.exit(0 if [(x["code"], x["score"], x["rank"]) for x in u] ==
    [("HB-ROAD", None, None), ("HB-WATER", None, None)] else 1)' "$T_DIR/un.out"
printf 'on-time 1\nmin-cases 1\n' >"$T_DIR/w1"
run un1 ctl --json stats units --weights "$T_DIR/w1"
check "stats units --weights: on time alone, every unit with a case ranked" python3 -c 'import json,sys
u = json.load(open(sys.argv[1]))["units"]
sys.exit(0 if [(x["code"], x["score"], x["rank"]) for x in u] ==
    [("HB-WATER", 100.0, 1), ("HB-ROAD", None, None)] else 1)' "$T_DIR/un1.out"
printf 'on-time x\n' >"$T_DIR/wbad"
run unb ctl stats units --weights "$T_DIR/wbad"
check "a malformed weights file: usage error with file:line" said unb 2 "wbad:1: on-time: bad value x"
run unt ctl stats units --weights "$T_DIR/w1"
sed "s/$today/DATE/g" "$T_DIR/unt.out" >"$T_DIR/unt.txt"
check "stats units: the whole table" diff -u "$top_srcdir/tests/data/stats/units.ok" "$T_DIR/unt.txt"

# --- the bulletin -----------------------------------------------------------
run rep ctl report --day "$today" -o "$T_DIR/b.html" --weights "$T_DIR/w1"
html="$T_DIR/b.html"
check "report writes the bulletin" test "$rc" -eq 0 -a -s "$html"
check "self-contained: no external asset" sh -c "! grep -Eiq '(src|href)=|url\\(|@import|https?://' '$html'"
check "four inline SVG charts" test "$(grep -c '<svg ' "$html")" -eq 4
n=$(sql "$db" "SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM refusals)")
check "its figures: received as the database counts ($n)" grep -q "本期热线共受理群众诉求 <b>$n</b> 件" "$html"
n=$(sql "$db" "SELECT COUNT(*) FROM cases WHERE closed_at IS NOT NULL")
check "closed ($n) and on time" grep -q "已办结 <b>$n</b> 件，按时办结率 <b>100.0%</b>" "$html"
check "the units' table names the units" sh -c "grep -q '<td class=\"t\">水务局</td>' '$html' && grep -q '<td class=\"t\">公路局</td>' '$html'"
check "the refusal's reason in Chinese" grep -q '已进入诉讼、仲裁、复议等法定程序</td><td>1<' "$html"
check "the supervised case listed with its reason" grep -q "<td>$c3</td><td class=\"t\">求助</td><td class=\"t\">水务局</td><td class=\"t\">政府负责人阅批、交办" "$html"
check "the satisfaction split: one 满意, one 基本满意" sh -c "grep -q '满意 1（50.0%）' '$html' && grep -q '基本满意 1（50.0%）' '$html'"
HOTLINECTL_CHROMIUM=/nonexistent/chromium run pdf1 ctl report --day "$today" -o "$T_DIR/c.html" --pdf "$T_DIR/c.pdf"
HOTLINECTL_CHROMIUM=false run pdf2 ctl report --day "$today" -o "$T_DIR/d.html" --pdf "$T_DIR/d.pdf"
check "--pdf without a browser: the HTML written, the PDF's failure said" sh -c "grep -q 'cannot run /nonexistent/chromium' '$T_DIR/pdf1.out' && grep -q 'false failed (the HTML is written' '$T_DIR/pdf2.out' && test -s '$T_DIR/c.html' -a -s '$T_DIR/d.html' -a ! -e '$T_DIR/c.pdf'"
check "no phone number, no citizen's text in the bulletin" sh -c "! grep -Eq '1380013[0-9]{4}|工地夜间' '$html'"

# --- publication (Art. 19) --------------------------------------------------
run pub ctl publish --from "$today" --to "$today" -o "$T_DIR/p.csv"
p="$T_DIR/p.csv"
check "publish: the handled matters, not the open one" sh -c "grep -q '^$c1,' '$p' && grep -q '^$c2,' '$p' && grep -q '^$c3,' '$p' && ! grep -q '$c4' '$p'"
check "a confidential case never appears" sh -c "! grep -q '$c5' '$p'"
check "texts redacted: phone, name, house number" sh -c "grep -q '^$c1,$today,$today,投诉举报,水务局,投诉：建设路\\*号工地夜间施工噪音扰民，某先生，电话\\[电话\\],已责令工地夜间停工，某先生电话\\[电话\\]已回访。' '$p'"
check "nothing of a number left anywhere" sh -c "! grep -Eq '13800138[0-9]{3}' '$p'"
mo 13800138025 12345 "保密 $c6"
check "the citizen asks for confidentiality afterwards" is_eventually 1 "$db" \
    "SELECT confidential FROM cases WHERE number = '$c6'"
run pub2 ctl publish --from "$today" --to "$today" -o "$T_DIR/p2.json"
check "and the case is withdrawn from the next publication" python3 -c 'import json,sys
m = [x["number"] for x in json.load(open(sys.argv[1]))["matters"]]
sys.exit(0 if sys.argv[2] not in m and sys.argv[3] in m and len(m) == 3 else 1)' "$T_DIR/p2.json" "$c6" "$c1"
req pl GET "/v1/publish?from=$today&to=$today&limit=1" -t "$OFFICE"
check "GET /v1/publish?limit=1: one matter, the first closed" python3 -c 'import json,sys
d = json.loads(open(sys.argv[1]).read().split("\n", 1)[1])
sys.exit(0 if [m["number"] for m in d["matters"]] == [sys.argv[2]] else 1)' "$T_DIR/pl.out" "$c1"
run pub3 ctl publish --from "$today" --to "$today" --format html
check "publish --format html: a page, escaped" sh -c "grep -q '<td class=\"t\">$c1</td>' '$T_DIR/pub3.out' && ! grep -q '<script' '$T_DIR/pub3.out'"

# --- long periods: the server reads a quarter a request, hotlinectl adds up
long=$(date -d "$today -200 days" +%Y-%m-%d)
run lc ctl --json stats --from "$long" --to "$today" --by category
check "stats over 201 days (three requests): the same figures" python3 "$CHECK" "$db" "$T_DIR/lc.out"
run lu ctl --json stats units --from "$long" --to "$today"
check "stats units over 201 days: the same units as over one day" python3 -c 'import json,sys
a, b = (json.load(open(f))["units"] for f in sys.argv[1:3])
sys.exit(0 if a == b else 1)' "$T_DIR/lu.out" "$T_DIR/un.out"
q92=$(date -d "$today -91 days" +%Y-%m-%d)
q93=$(date -d "$today -92 days" +%Y-%m-%d)
req r92 GET "/v1/stats?from=$q92&to=$today" -t "$OFFICE"
req r93 GET "/v1/stats?from=$q93&to=$today" -t "$OFFICE"
check "GET /v1/stats: 92 days in one request, not 93" sh -c "test \"\$(head -n 1 '$T_DIR/r92.out')\" = 200 && test \"\$(head -n 1 '$T_DIR/r93.out')\" = 400 && grep -q 'at most 92 days' '$T_DIR/r93.out'"

# --- hostile periods and requests --------------------------------------------
run h1 ctl stats --day 2026-13-01
check "a bad date: usage error" said h1 2 "not a date"
run h2 ctl stats --from 2026-12-05 --to 2026-12-01
check "a reversed period: usage error" said h2 2 "ends before it begins"
run h3 ctl stats --from 1970-01-01 --to 2026-12-01
check "a huge range: usage error" said h3 2 "longer than 3700 days"
run h4 ctl stats --month 2026-1
check "a bad month: usage error" said h4 2 "not a month"
run h5 ctl stats --day "$today" --month 2026-11
check "two periods: usage error" said h5 2 "one period only"
req r1 GET "/v1/stats?from=2026-02-30&to=2026-03-01" -t "$OFFICE"
req r2 GET "/v1/stats?from=2026-12-05&to=2026-12-01" -t "$OFFICE"
req r3 GET "/v1/stats?from=0001-01-01&to=9999-12-31" -t "$OFFICE"
req r4 GET "/v1/stats?from=2026-12-01&to=2026-12-01&x=1" -t "$OFFICE"
req r5 GET "/v1/stats?by=%00" -t "$OFFICE"
check "GET /v1/stats: bad, reversed, huge, unknown, NUL: 400 each" sh -c \
    "for r in r1 r2 r3 r4 r5; do test \"\$(head -n 1 '$T_DIR'/\$r.out)\" = 400 || exit 1; done"
req r6 GET "/v1/stats" -t "$UNIT"
req r7 GET "/v1/stats/units" -t "$AUDIT"
req r8 GET "/v1/publish?from=$today&to=$today" -t "$AUDIT"
check "a unit may not read the office's figures; an auditor may, not publish" sh -c \
    "test \"\$(head -n 1 '$T_DIR/r6.out')\" = 403 && test \"\$(head -n 1 '$T_DIR/r7.out')\" = 200 && test \"\$(head -n 1 '$T_DIR/r8.out')\" = 403"
# --- a month later (the test clock): overdue now, Art. 23 flags -----------
if has_test_clock; then
	kill -TERM "$PID_hl" 2>/dev/null
	wait_gone "$PID_hl" 10
	start_bg hl2 env HOTLINED_CLOCK_OFFSET=$((30 * 86400)) "$HOTLINED" -f -c "$d/hotlined.conf"
	wait_log "$T_DIR/hl2.out" 'admin +listening' 10
	check "a month later the open case is overdue and supervised by the scan" \
	    is_eventually 1 "$db" "SELECT supervised FROM cases WHERE number = '$c4'"
	ctl case return "$c4" 不属于本单位职责 >/dev/null
	run fl ctl --json stats flags --from "$today" --to "$today"
	check "stats flags: HB-ROAD pushed a case back late; overdue without extension" python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
u = {x["unit"]: x for x in d["units"]}
c = {x["number"]: x["flags"] for x in d["cases"]}
sys.exit(0 if u["HB-ROAD"]["pushback"] == 1 and
    sum(x["overdue"] for x in d["units"]) == 1 and
    sorted(c[sys.argv[2]]) == ["overdue", "pushback"] and len(c) == 1 else 1)' "$T_DIR/fl.out" "$c4"
	run sj2 ctl --json stats --from "$today" --to "$today"
	check "stats: overdue now counts the returned case" python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["total"]["overdue"] == 1 and d["now"]["overdue"] == 1 and
    d["total"]["returned"] == 2 else 1)' "$T_DIR/sj2.out"
	run rep2 ctl report --from "$today" --to "$today" -o "$T_DIR/b2.html"
	check "the bulletin lists the overdue case and HB-ROAD's flags" sh -c "grep -q '<td>$c4</td><td class=\"t\">投诉举报</td>' '$T_DIR/b2.html' && grep -q '<td class=\"t\">公路局</td><td>1</td>' '$T_DIR/b2.html'"
else
	skip_n 4 "needs --enable-test-clock (HOTLINED_CLOCK_OFFSET)"
fi
check "no full phone number in the log" sh -c "! grep -Eq '1380013[0-9]{4}' '$d/hotlined.log'"
t_done
