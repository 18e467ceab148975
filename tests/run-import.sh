#!/bin/sh
# Cases from the other channels (issue 16, Art. 5(1), 15) over the real
# admin API and smscsim: a case taken by phone is imported with
# hotlinectl, gets a number, a deadline and the acknowledgement SMS word
# for word; imports are idempotent on (channel, external_id); every
# validation error is a 400 naming its field and writes nothing; hostile
# bodies (oversized, truncated, wrong types, control characters, invalid
# UTF-8); a time received in the past counts its deadline from then; a
# CSV batch (BOM, CRLF, quotes) and a JSONL batch report line by line, a
# bad line stopping nothing, a batch over the bound sending nothing; and
# the imported case gets the result SMS and the survey like an SMS case.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/api.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 70

UNIT=unit-secret-0123456789ab
POST="$top_srcdir/tests/data/import/post.py"
d="$T_DIR/i"
port=$(free_port)
aport=$(free_port)
mkdir -p "$d"
cat >"$d/tokens" <<TOK
ops	office	$OFFICE
water	unit	$UNIT	HB-WATER
TOK
chmod 600 "$d/tokens"
# no holidays: the deadlines below count weekends only
echo "# run-import.sh: weekends only" >"$d/calendar"
hotlined_conf "$d" "$port" "service-number 12345
extension-digits 4
admin {
	port $aport
	tokens-file $d/tokens
	max-body 16k
}
survey {
	delay 0
	quiet-start 00:00
	quiet-end 00:00
}"
sed -i "s|^calendar .*|calendar $d/calendar|" "$d/hotlined.conf"
db="$d/hotlined.db"
log="$d/hotlined.log"
sent="$T_DIR/sent.jsonl"
mo() { printf 'from=%s to=%s text=%s\n' "$1" "$2" "$3" >&3; }
# run NAME cmd...: run to completion, output in $T_DIR/NAME.out, status $rc
run() {
	_n=$1; shift
	"$@" >"$T_DIR/$_n.out" 2>"$T_DIR/$_n.err"
	rc=$?
}
# post NAME BODY: POST /v1/cases with BODY's bytes (printf format)
post() {
	printf "$2" >"$T_DIR/$1.body"
	python3 "$POST" "$aport" "${3:-$OFFICE}" "$T_DIR/$1.body" \
	    >"$T_DIR/$1.out" 2>&1
}
# jf NAME KEY[.KEY]: a value of the JSON body of the answer NAME
jf() {
	python3 -c 'import json,sys
v = json.loads(open(sys.argv[1]).read().split("\n", 1)[1])
for k in sys.argv[2].split("."):
    v = v[k]
print(str(v).lower() if isinstance(v, bool) else v)' "$T_DIR/$1.out" "$2" \
	    2>/dev/null
}
status_is() { test "$(head -n 1 "$T_DIR/$1.out")" = "$2"; }
# refused NAME FIELD: 400 bad_request naming FIELD
refused() {
	status_is "$1" 400 && test "$(jf "$1" error.code)" = bad_request &&
	    test "$(jf "$1" error.field)" = "$2"
}
ncases() { sql "$db" "SELECT COUNT(*) FROM cases"; }
nimports() { sql "$db" "SELECT COUNT(*) FROM case_imports"; }
# ok_case TEXT MSISDN [MORE]: a good request body for post
ok_case() {
	printf '{"channel":"web","external_id":"%s","category":"help",' "$1"
	printf '"text":"楼道灯不亮","msisdn":"%s"%s}' "$2" "${3:-}"
}

mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$sent' -d 100 <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
if wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
    wait_log "$T_DIR/hl.out" 'admin +listening' 5; then
	ok "hotlined binds and serves the admin API"
else
	fail "hotlined binds and serves the admin API"
	show "$T_DIR/hl.out"
fi

# --- one case taken by phone, with an acknowledgement
run one ctl --json case import --channel phone --id TEL-20261206-001 \
    --category complaint --msisdn 13800138301 \
    --text "小区门口路灯坏了一周，晚上很黑" --ack
check "case import: created (exit 0)" sh -c "test $rc -eq 0 &&
    grep -q '\"created\": true' '$T_DIR/one.out'"
n1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case"])' "$T_DIR/one.out" 2>/dev/null)
due1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["due"])' "$T_DIR/one.out" 2>/dev/null)
check "a case number of today" sh -c "echo '$n1' | grep -Eq '^HY$(date +%y%m%d)[0-9]{4}\$'"
check "the acknowledgement, word for word" says 8301 1 \
    "【12345热线】您通过电话反映的诉求已受理，案件号${n1}，投诉举报，${due1}前答复。查询回复CX ${n1}"
check "stored with its channel, category and deadline" is_eventually \
    "phone|complaint|$due1|registered" "$db" "SELECT channel || '|' || category || '|' || due || '|' || state FROM cases WHERE number = '$n1'"
run show ctl --json case show "$n1"
check "case show: the channel and the external id" sh -c "grep -q '\"channel\": \"phone\"' '$T_DIR/show.out' &&
    grep -q '\"external_id\": \"TEL-20261206-001\"' '$T_DIR/show.out'"
check "the number only encrypted and hashed" is_eventually 0 "$db" \
    "SELECT COUNT(*) FROM cases WHERE instr(CAST(msisdn_enc AS TEXT), '13800138301') > 0 OR instr(CAST(msisdn_hash AS TEXT), '13800138301') > 0"
check "audited: case.imported by the token, with the external id" \
    is_eventually 1 "$db" "SELECT COUNT(*) FROM audit a JOIN cases c ON c.id = a.case_id WHERE c.number = '$n1' AND a.action = 'case.imported' AND a.actor = 'ops' AND json_extract(a.detail, '\$.external_id') = 'TEL-20261206-001'"
mo 13800138301 12345 "CX $n1"
check "CX answers for the imported case" wait_sms 8301 "$n1" 2

# --- idempotent on (channel, external_id)
before=$(ncases)
post again '{"channel":"phone","external_id":"TEL-20261206-001","category":"complaint","text":"小区门口路灯坏了一周，晚上很黑","msisdn":"13800138301","ack":true}'
again_ok() {
	status_is again 200 && test "$(jf again case)" = "$n1" &&
	    test "$(jf again created)" = false
}
check "the same import again: 200, the same case" again_ok
check "nothing new written, no second acknowledgement queued" sh -c \
    "test '$(ncases)' = '$before' && test \"\$(sqlite3 '$db' \"SELECT COUNT(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.number = '$n1' AND o.kind = 'ack'\")\" = 1"
post other '{"channel":"web","external_id":"TEL-20261206-001","category":"help","text":"网上反映：楼道灯不亮","msisdn":"13800138302"}'
check "the same id on another channel is another case (201)" sh -c \
    "test \"\$(head -n 1 '$T_DIR/other.out')\" = 201 && test '$(jf other case)' != '$n1' && test '$(jf other channel)' = web"
n2=$(jf other case)
check "no acknowledgement unless asked" is_eventually 0 "$db" \
    "SELECT COUNT(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.number = '$n2'"

# --- confidential, WeChat, Chinese labels: the confidential acknowledgement
post conf '{"channel":"微信","external_id":"wx-77","category":"投诉举报","text":"举报某餐馆后厨卫生问题","msisdn":"+86 138-0013-8303","confidential":true,"ack":true}'
n3=$(jf conf case)
due3=$(jf conf due)
check "Chinese channel and category labels accepted (201)" sh -c \
    "test \"\$(head -n 1 '$T_DIR/conf.out')\" = 201 && test '$(jf conf channel)' = wechat"
check "the confidential acknowledgement, word for word" says 8303 1 \
    "【12345热线】您通过微信反映的诉求已按保密方式受理，案件号${n3}，投诉举报，${due3}前答复，您的信息将严格保密。查询回复CX ${n3}"
check "stored confidential, its number normalised" is_eventually 1 "$db" \
    "SELECT confidential FROM cases WHERE number = '$n3'"

# --- every validation error: 400 naming the field, nothing written
before=$(ncases)
bimp=$(nimports)
post e1 '{"external_id":"v1","category":"help","text":"x","msisdn":"13800138304"}'
check "channel missing" refused e1 channel
post e2 '{"channel":"sms","external_id":"v2","category":"help","text":"x","msisdn":"13800138304"}'
check "channel sms (bearers bring those)" refused e2 channel
post e3 '{"channel":"phone","category":"help","text":"x","msisdn":"13800138304"}'
check "external_id missing" refused e3 external_id
post e4 '{"channel":"phone","external_id":"v4","category":"unclassified","text":"x","msisdn":"13800138304"}'
check "category not of Art. 7" refused e4 category
post e5 '{"channel":"phone","external_id":"v5","category":"help","msisdn":"13800138304"}'
check "text missing" refused e5 text
python3 -c 'import sys; sys.stdout.write("{\"channel\":\"phone\",\"external_id\":\"v6\",\"category\":\"help\",\"text\":\"" + "字" * 2001 + "\",\"msisdn\":\"13800138304\"}")' >"$T_DIR/e6.body"
python3 "$POST" "$aport" "$OFFICE" "$T_DIR/e6.body" >"$T_DIR/e6.out" 2>&1
check "text over 2000 characters" refused e6 text
post e7 '{"channel":"phone","external_id":"v7","category":"help","text":"x","msisdn":"1380013830"}'
check "a number that is no mobile" refused e7 msisdn
check "the error never echoes the number" sh -c "! grep -q 1380013830 '$T_DIR/e7.out'"
post e8 "{\"channel\":\"phone\",\"external_id\":\"v8\",\"category\":\"help\",\"text\":\"x\",\"msisdn\":\"13800138304\",\"received_at\":\"$(date -d '+2 days' '+%Y-%m-%d %H:%M')\"}"
check "received_at in the future" refused e8 received_at
post e9 '{"channel":"phone","external_id":"v9","category":"help","text":"x","msisdn":"13800138304","received_at":"2026-02-30 10:00"}'
check "received_at not a time" refused e9 received_at
post e10 '{"channel":"phone","external_id":"v10","category":"help","text":"x","msisdn":13800138304}'
check "wrong type: a number for msisdn" refused e10 msisdn
post e11 '{"channel":"phone","external_id":"v11","category":"help","text":"x","msisdn":"13800138304","ack":"yes"}'
check "wrong type: a string for ack" refused e11 ack
post e12 '{"channel":"phone","external_id":"v12","category":"help","text":"bell\\u0007ring","msisdn":"13800138304"}'
check "a control character in the text" refused e12 text
post e13 '{"channel":"phone","external_id":"v13","category":"help","text":"x","msisdn":"13800138304","priority":1}'
check "an unknown field" sh -c "test \"\$(head -n 1 '$T_DIR/e13.out')\" = 400 && grep -q priority '$T_DIR/e13.out'"

# --- hostile bodies
python3 -c 'import sys; sys.stdout.write("{\"text\":\"" + "x" * 20000 + "\"}")' >"$T_DIR/h1.body"
python3 "$POST" "$aport" "$OFFICE" "$T_DIR/h1.body" >"$T_DIR/h1.out" 2>&1
check "a body over max-body: 413" status_is h1 413
post h2 '{"channel":"phone","external_id":"h2","category":"help","text":"路灯'
check "truncated JSON: 400" sh -c "test \"\$(head -n 1 '$T_DIR/h2.out')\" = 400 && grep -q malformed '$T_DIR/h2.out'"
post h3 '{"channel":"phone","external_id":"h3","category":"help","text":"\377\376\300\257","msisdn":"13800138304"}'
check "invalid UTF-8: 400" status_is h3 400
post h4 '{"channel":"phone","external_id":"h4","category":"help","text":"a\\u0000b","msisdn":"13800138304"}'
check "a NUL in the text: 400" status_is h4 400
post h5 '[{"channel":"phone"}]'
check "not an object: 400" status_is h5 400
post h6 '{"channel":"phone","external_id":"h6","external_id":"h6b","category":"help","text":"x","msisdn":"13800138304"}'
check "a duplicate key: 400" status_is h6 400
post h7 "$(ok_case h7 13800138304)" "$UNIT"
check "a unit may not import (403)" status_is h7 403
check "nothing half-written by any refusal" sh -c \
    "test '$(ncases)' = '$before' && test '$(nimports)' = '$bimp'"

# --- a case received in the past: numbered and due from then
past=$(date -d '7 days ago' +%Y-%m-%d)
post p1 "{\"channel\":\"letter\",\"external_id\":\"L-1\",\"category\":\"consultation\",\"text\":\"来信咨询居住证办理\",\"msisdn\":\"13800138305\",\"received_at\":\"$past 10:00\"}"
post p2 "{\"channel\":\"letter\",\"external_id\":\"L-2\",\"category\":\"consultation\",\"text\":\"来信咨询社保转移\",\"msisdn\":\"13800138305\",\"received_at\":\"$past 18:00\"}"
# weekends only: day 0 is the day of receipt when a working day and
# before 17:30, else the next working day; consultation: 2 working days
want_due() {
	python3 -c 'import datetime, sys
d = datetime.date.fromisoformat(sys.argv[1])
late = sys.argv[2] == "late"
while d.weekday() >= 5 or late:
    late = late and d.weekday() >= 5
    d += datetime.timedelta(days=1)
    if not late and d.weekday() < 5:
        break
n = 0
while n < 2:
    d += datetime.timedelta(days=1)
    if d.weekday() < 5:
        n += 1
print(d.isoformat())' "$@"
}
check "numbered on the day it was received" sh -c \
    "echo '$(jf p1 case)' | grep -Eq '^HY$(date -d "$past" +%y%m%d)[0-9]{4}\$'"
check "10:00 that day: due 2 working days from then" \
    test "$(jf p1 due)" = "$(want_due "$past" early)"
check "18:00 that day: day 0 is the next working day" \
    test "$(jf p2 due)" = "$(want_due "$past" late)"

# --- a CSV batch as Excel saves it: BOM, CRLF, quotes, a bad line
printf '\357\273\277channel,external_id,category,text,msisdn,confidential,received_at,ack\r\n' >"$T_DIR/b.csv"
printf 'phone,C-1,suggestion,"建议在人民公园增设座椅, 方便老人",13800138306,否,,1\r\n' >>"$T_DIR/b.csv"
printf 'visit,C-2,help,"来访：""急""，家中老人走失",13800138307,是,%s 09:15,\r\n' "$past" >>"$T_DIR/b.csv"
printf 'phone,C-3,help,电话反映噪音,138001,,,\r\n' >>"$T_DIR/b.csv"
printf 'phone,C-4,help,bad"quote,13800138308,,,\r\n' >>"$T_DIR/b.csv"
printf 'phone,TEL-20261206-001,complaint,x,13800138301,,,\r\n' >>"$T_DIR/b.csv"
printf 'email,C-5,other,"两行的\r\n邮件",13800138309,,,0\r\n' >>"$T_DIR/b.csv"
run csv ctl case import --file "$T_DIR/b.csv"
check "CSV batch: exit 1 (some lines refused)" test "$rc" -eq 1
check "CSV: line 2 created" grep -Eq "^2	created	HY[0-9]+	" "$T_DIR/csv.out"
check "CSV: line 3 (quotes) created" grep -Eq "^3	created	HY" "$T_DIR/csv.out"
check "CSV: line 4 refused, naming msisdn" grep -Eq "^4	error	msisdn	" "$T_DIR/csv.out"
check "CSV: line 5 (a stray quote) refused" grep -Eq "^5	error	-	.*quote" "$T_DIR/csv.out"
check "CSV: line 6 already imported" grep -Eq "^6	exists	$n1	" "$T_DIR/csv.out"
check "CSV: line 7 (two lines in a field) created" grep -Eq "^7	created	HY" "$T_DIR/csv.out"
check "CSV: the counts on stderr" grep -q "6 records: 3 created, 1 already imported, 2 refused" "$T_DIR/csv.err"
check "CSV: the quoted text stored as written" is_eventually 1 "$db" \
    "SELECT COUNT(*) FROM cases WHERE text = '来访：\"急\"，家中老人走失' AND confidential = 1 AND channel = 'visit'"
check "CSV: ack 1 sends the acknowledgement" wait_sms 8306 '您通过电话反映' 1
run csv2 ctl case import --file "$T_DIR/b.csv"
check "CSV again: the created lines now exist, nothing new" sh -c \
    "test \$(grep -c '	exists	' '$T_DIR/csv2.out') = 4 && ! grep -q '	created	' '$T_DIR/csv2.out'"

# --- a JSONL batch with --channel for lines that name none
{
	ok_case J-1 13800138310; echo
	echo '{"external_id":"J-2","category":"consultation","text":"网上咨询","msisdn":"13800138311"}'
	echo
	echo '{"external_id":"J-3","category":"help","text":"截断'
	echo '["not", "an object"]'
	echo '{"external_id":"J-4","category":"help","text":"x","msisdn":"13800138312","confidential":"no"}'
} >"$T_DIR/b.jsonl"
run jl ctl --json case import --file "$T_DIR/b.jsonl" --channel app
check "JSONL: line 1 created on its own channel" sh -c "grep '\"line\":1,' '$T_DIR/jl.out' | grep -q created"
check "JSONL: line 2 created, --channel app" is_eventually app "$db" \
    "SELECT channel FROM cases WHERE text = '网上咨询'"
check "JSONL: line 4 truncated: malformed JSON" sh -c "grep '\"line\":4,' '$T_DIR/jl.out' | grep -q malformed"
check "JSONL: line 5 not an object" sh -c "grep '\"line\":5,' '$T_DIR/jl.out' | grep -q 'not a JSON object'"
check "JSONL: line 6 refused naming confidential" sh -c "grep '\"line\":6,' '$T_DIR/jl.out' | grep -q '\"field\":\"confidential\"'"

# --- bounds: a batch over the bound is refused whole
before=$(ncases)
python3 -c 'import sys
for i in range(10001):
    sys.stdout.write("{\"external_id\":\"B-%d\"}\n" % i)' >"$T_DIR/big.jsonl"
run big ctl case import --file "$T_DIR/big.jsonl" --channel web
check "over 10000 records: refused, exit 2" sh -c "test $rc -eq 2 &&
    grep -q 'more than 10000 records' '$T_DIR/big.err'"
check "over the bound: nothing sent" test "$(ncases)" = "$before"
printf 'channel,colour\nphone,red\n' >"$T_DIR/bad.csv"
run badcsv ctl case import --file "$T_DIR/bad.csv"
check "a CSV with an unknown column: refused whole (exit 2)" sh -c \
    "test $rc -eq 2 && grep -q 'unknown column' '$T_DIR/badcsv.err'"

# --- later: the same result SMS and survey as an SMS case (Art. 15)
run close ctl case answer "$n1" "路灯已更换，恢复照明。"
check "the office answers the imported case" test "$rc" -eq 0
check "the result SMS, word for word" says 8301 3 \
    "【12345热线】您的诉求${n1}已办结，办理结果：路灯已更换，恢复照明。"
check "the survey SMS, word for word" says 8301 4 \
    "【12345热线】请对案件${n1}的办理进行评价：满意请回复1，基本满意请回复2，不满意请回复3，数字后可附意见。"
src=$(survey_src 8301 1)
check "the survey from 12345 plus an extension code" sh -c \
    "echo '$src' | grep -Eq '^12345[0-9]{4}\$'"
mo 13800138301 "$src" "1"
check "the evaluation is thanked" says 8301 5 \
    "【12345热线】感谢您对案件${n1}的评价，我们将持续改进服务。"
check "recorded satisfied on the imported case" is_eventually 1 "$db" \
    "SELECT s.score FROM surveys s JOIN cases c ON c.id = s.case_id WHERE c.number = '$n1'"

# --- the figures group by channel; the chain holds; privacy
run st ctl --json stats --by channel --day "$(date +%Y-%m-%d)"
check "stats by channel count the phone case" sh -c "grep -q '\"phone\"' '$T_DIR/st.out'"
run av ctl audit verify
check "the audit chain verifies" test "$rc" -eq 0
check "no full phone number in the log" sh -c "! grep -Eq '138001383[0-9]{2}' '$log'"
check "the import is logged with the masked number" grep -Eq \
    "admin +import case=$n1 channel=phone msisdn=138\*+8301[^ ]* cat=complaint" "$log"
t_done
