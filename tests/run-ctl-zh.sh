#!/bin/sh
# hotlinectl in Chinese for the office (issue 16): under a zh_CN.UTF-8
# locale its help, tables, messages and errors are the translation in
# po/zh_CN.po, compared whole, word for word; under C they are English;
# --json and --csv are byte for byte the same in both.  The API's errors
# too: translated from the format and arguments the API sends with its
# English message (errfmt.h), a representative set compared whole.  The commands of
# ctl_ext.c, ctl_notice.c and ctl_import.c too: an extension request and
# its list, the contacts, a batch import's refusals, a case's Art. 19
# flags.  The .po has no
# untranslated or fuzzy entry and lacks no string marked in the sources.
# The locale is made here (localedef into a temporary LOCPATH) when the
# machine has none; a build without translations (configure found no
# msgfmt) is skipped, saying so; CI configures --enable-nls.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
[ "${HOTLINE_NLS:-no}" = yes ] ||
    skip_all "built without translations (configure --enable-nls needs gettext)"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
plan 29

DATA="$top_srcdir/tests/data/ctl-zh"
export HOTLINECTL_LOCALEDIR="$top_builddir/po"

# --- the catalogue -------------------------------------------------------
msgfmt --check --statistics -o /dev/null "$top_srcdir/po/zh_CN.po" \
    >"$T_DIR/stat.out" 2>&1
check "zh_CN.po: every message translated, none fuzzy" \
    grep -Eq '^[0-9]+ translated messages\.$' "$T_DIR/stat.out" ||
    show "$T_DIR/stat.out"
(cd "$top_srcdir" && xgettext --from-code=UTF-8 --language=C --keyword=_ \
    --keyword=N_ --keyword=NC_:1c,2 --keyword=admin_error:4 \
    --flag=admin_error:4:c-format --keyword=lc_fail:4 \
    --flag=lc_fail:4:c-format --keyword=ext_fail:4 \
    --flag=ext_fail:4:c-format --keyword=import_fail:3 \
    --flag=import_fail:3:c-format --keyword=errfmt_notef:3 \
    --flag=errfmt_notef:3:c-format --keyword=disclose_fail:4 \
    -o "$T_DIR/now.pot" src/hotlinectl.c src/ctl_*.c src/report.c \
    src/admin*.c src/lifecycle.c src/extension.c src/import.c src/stats.c \
    src/disclose.c) 2>"$T_DIR/xg.out"
check "zh_CN.po has every string the sources mark (make update-po)" \
    msgcmp "$top_srcdir/po/zh_CN.po" "$T_DIR/now.pot"

# --- the locale: the machine's, else made here ---------------------------
if locale -a 2>/dev/null | grep -Eqx 'zh_CN\.(utf8|UTF-8)'; then
	ok "the zh_CN.UTF-8 locale exists"
else
	mkdir -p "$T_DIR/locale"
	if localedef -i zh_CN -f UTF-8 "$T_DIR/locale/zh_CN.UTF-8" \
	    >"$T_DIR/localedef.out" 2>&1; then
		export LOCPATH="$T_DIR/locale"
		ok "the zh_CN.UTF-8 locale made with localedef"
	else
		show "$T_DIR/localedef.out"
		fail "the zh_CN.UTF-8 locale: none, and localedef failed (apt-get install locales)"
	fi
fi
zh() { LANGUAGE= LC_ALL=zh_CN.UTF-8 "$@"; }
en() { LANGUAGE= LC_ALL=C "$@"; }

# --- help and usage errors, no daemon ------------------------------------
zh "$HOTLINECTL" --help >"$T_DIR/help.zh" 2>&1
check "help: the whole text in Chinese" \
    diff -u "$DATA/help.zh.ok" "$T_DIR/help.zh"
en "$HOTLINECTL" --help >"$T_DIR/help.en" 2>&1
check "help: the whole text in English under C" \
    diff -u "$DATA/help.en.ok" "$T_DIR/help.en"
zh "$HOTLINECTL" -t abcdefghijklmnop0123 case show HY-1 >"$T_DIR/e1" 2>&1
rc=$?
printf 'hotlinectl: 工单编号: 由字母和数字组成，最多 31 位(如 HY2611260001)\n' \
    >"$T_DIR/e1.want"
check "a usage error in Chinese, exit 2" sh -c "test $rc -eq 2 &&
    diff -u '$T_DIR/e1.want' '$T_DIR/e1'"
# hotlinectl's own check of a period, with stats.c's words (errfmt_local())
zh "$HOTLINECTL" -t abcdefghijklmnop0123 stats --from 2026-12-07 \
    --to 2026-12-01 >"$T_DIR/e2" 2>&1
rc=$?
en "$HOTLINECTL" -t abcdefghijklmnop0123 stats --from 2026-12-07 \
    --to 2026-12-01 >>"$T_DIR/e2" 2>&1
printf 'hotlinectl: 期间: 时段的结束早于开始\n%s\n' \
    'hotlinectl: period: the period ends before it begins' >"$T_DIR/e2.want"
check "a period refused before sending: Chinese, and English under C" \
    sh -c "test $rc -eq 2 && diff -u '$T_DIR/e2.want' '$T_DIR/e2'"
zh "$HOTLINECTL" -t abcdefghijklmnop0123 case open >"$T_DIR/subcommand.zh" 2>&1
check "an unknown subcommand: the case commands, in Chinese" \
    diff -u "$DATA/subcommand.zh.ok" "$T_DIR/subcommand.zh"

# --- a daemon, a unit, a case -------------------------------------------
d="$T_DIR/h"
port=$(free_port)
aport=$(free_port)
OFFICE=office-secret-0123456789
mkdir -p "$d"
hotlined_conf "$d" "$port" "$(office_survey_conf "$aport" "$d/tokens")"
ROAD=road-secret-0123456789ab
printf 'road\tunit\t%s\tHB-ROAD\n' "$ROAD" >>"$d/tokens"
db="$d/hotlined.db"
ctl() { "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$OFFICE" "$@"; }
road() { "$HOTLINECTL" -s "127.0.0.1:$aport" -t "$ROAD" "$@"; }
mkfifo "$T_DIR/mo"
start_bg sim sh -c "exec '$SMSCSIM' -p $port -i -o '$T_DIR/sent' <'$T_DIR/mo'"
exec 3>"$T_DIR/mo"
start_bg hl "$HOTLINED" -f -c "$d/hotlined.conf"
if wait_log "$T_DIR/hl.out" 'smpp +bound smsc=sim' 10 &&
    wait_log "$T_DIR/hl.out" 'admin +listening' 5; then
	ok "hotlined binds and serves the admin API"
else
	fail "hotlined binds and serves the admin API"
fi
ctl unit add HB-WATER 水务局 0762-3333333 >/dev/null
ctl unit add HB-ROAD 公路局 >/dev/null
printf 'from=13800138031 to=12345 text=%s\n' \
    "投诉：阳光小区5栋门口路灯坏了，请维修" >&3
check "the MO is a case" is_eventually 1 "$db" "SELECT COUNT(*) FROM cases"
n=$(sql "$db" "SELECT number FROM cases")
ctl case dispatch "$n" HB-ROAD >/dev/null
due0=$(sql "$db" "SELECT due FROM cases")

# the unit asks for more time; the office refuses it (the case unchanged)
zh road extension request "$n" 3 需要协调交警部门 >"$T_DIR/ask.zh" 2>&1
ask=$(sql "$db" "SELECT due FROM extension_requests")
printf '延期申请 1: 工单 %s，承办单位 HB-ROAD，办理期限 %s -> %s，待审批\n' \
    "$n" "$due0" "$ask" >"$T_DIR/ask.want"
check "extension request: the request's line in Chinese" \
    diff -u "$T_DIR/ask.want" "$T_DIR/ask.zh"
zh ctl extension list >"$T_DIR/ext.zh" 2>&1
sed "s/$n/HYYYMMDD0001/; s/20[0-9-]*T[0-9:.+-]*Z*/TIME/; s/$due0/YYYY-MM-DD/;
    s/$ask/YYYY-MM-DD/" "$T_DIR/ext.zh" >"$T_DIR/ext.txt"
check "extension list: the table in Chinese, the state the office's word" \
    diff -u "$DATA/extensions.zh.ok" "$T_DIR/ext.txt"
same=0
for who in ctl road; do
	en $who --json extension list >"$T_DIR/x.en" 2>&1
	zh $who --json extension list >"$T_DIR/x.zh" 2>&1
	cmp -s "$T_DIR/x.en" "$T_DIR/x.zh" && [ -s "$T_DIR/x.en" ] &&
	    same=$((same + 1))
done
check "extension list --json: the same bytes under C and zh_CN" \
    test "$same" -eq 2
ctl extension refuse 1 请按期办结 >/dev/null

zh ctl unit list >"$T_DIR/units.zh" 2>&1
check "unit list: the table in Chinese, aligned in columns" \
    diff -u "$DATA/units.zh.ok" "$T_DIR/units.zh"
zh ctl unit add HB-PARK 园林局 >"$T_DIR/unit.out" 2>&1
sed 's/^\(创建时间  \)20[0-9T:+-]*$/\1TIME/' "$T_DIR/unit.out" >"$T_DIR/unit.zh"
printf '单位代码  HB-PARK\n名称      园林局\n联系方式  -\n创建时间  TIME\n' \
    >"$T_DIR/unit.want"
check "unit add: the unit's fields, labelled in Chinese" \
    diff -u "$T_DIR/unit.want" "$T_DIR/unit.zh"
zh ctl case list >"$T_DIR/cases.zh" 2>&1
due=$(sql "$db" "SELECT due FROM cases")
sed "s/$n/HYYYMMDD0001/; s/$due/YYYY-MM-DD/" "$T_DIR/cases.zh" \
    >"$T_DIR/cases.txt"
check "case list: the table in Chinese, the state the office's word" \
    diff -u "$DATA/cases.zh.ok" "$T_DIR/cases.txt"
zh ctl case close "$n" 路灯已修复。 >"$T_DIR/close.zh" 2>&1
printf '%s: 已办结，承办单位 HB-ROAD，办理期限 %s\n' "$n" "$due" \
    >"$T_DIR/close.want"
check "case close: the case's line in Chinese" \
    diff -u "$T_DIR/close.want" "$T_DIR/close.zh"
# what follows reads figures and lists that must hold still: the survey
# sent (回访 counts it), then the link stopped and nothing in flight
sent="$T_DIR/sent"
settle() {
	wait_sms 8031 '请对案件' 1 && ctl smsc stop sim >/dev/null &&
	    is_eventually 0 "$db" "SELECT COUNT(*) FROM outbox WHERE state = 1"
}
check "the survey SMS is sent, the link stopped, nothing in flight" settle
zh ctl case show HY0000000000 >"$T_DIR/e3" 2>&1
rc=$?
printf 'hotlinectl: 未找到: 工单 HY0000000000 不存在 (HTTP 404 not_found)\n' \
    >"$T_DIR/e3.want"
check "a server error: exit 1, its kind and its message in Chinese" \
    sh -c "test $rc -eq 1 && diff -u '$T_DIR/e3.want' '$T_DIR/e3'"

# --- the API's errors: translated from their format and arguments -------
# each command's whole stderr line, under zh_CN and under C (the English
# the API sends, unchanged), the lifecycle's and extension.c's errors
# too (errfmt_note()); the outbox row is the survey, sent
row=$(sql "$db" "SELECT id FROM outbox ORDER BY id DESC LIMIT 1")
errs() {
	$1 ctl case show HY0000000000
	$1 road unit add HB-X 某单位
	$1 ctl unit add HB-ROAD 公路局
	$1 ctl smsc stop sim
	$1 ctl queue retry "$row"
	$1 ctl extension show 999
	$1 ctl contact remove 999
	$1 ctl case dispatch "$n" HB-WATER
	$1 road extension request "$n" 3 需要协调
	$1 ctl queue list --limit 100000
	$1 ctl queue list --state lost
	$1 "$HOTLINECTL" -s "127.0.0.1:$aport" -t nosuchtoken-0123456789 \
	    unit list
}
errs zh >/dev/null 2>"$T_DIR/errs.zh"
errs en >/dev/null 2>"$T_DIR/errs.en"
st=$(sed -n 's/^hotlinectl: row [0-9]* is \([a-z]*\): retry .*/\1/p' \
    "$T_DIR/errs.en")
cat >"$T_DIR/errs.en.want" <<EOF
hotlinectl: no case HY0000000000 (HTTP 404 not_found)
hotlinectl: role unit may not POST /v1/units (HTTP 403 forbidden)
hotlinectl: unit HB-ROAD exists already (HTTP 409 conflict)
hotlinectl: smsc sim is already stopped (HTTP 409 conflict)
hotlinectl: row $row is $st: retry takes a queued row (HTTP 409 conflict)
hotlinectl: no extension request 999 (HTTP 404 not_found)
hotlinectl: no contact 999 (HTTP 404 not_found)
hotlinectl: cannot dispatch case $n: it is closed (HTTP 409 conflict)
hotlinectl: case $n is closed: nothing to extend (HTTP 409 conflict)
hotlinectl: limit: too large (HTTP 400 bad_request)
hotlinectl: state: queued, inflight, held, sent, delivered, failed, expired, cancelled or waiting (HTTP 400 bad_request)
hotlinectl: unknown or malformed token (HTTP 401 unauthorized)
EOF
cat >"$T_DIR/errs.zh.want" <<EOF
hotlinectl: 未找到: 工单 HY0000000000 不存在 (HTTP 404 not_found)
hotlinectl: 无权操作: 角色 unit 无权执行 POST /v1/units (HTTP 403 forbidden)
hotlinectl: 操作冲突: 承办单位 HB-ROAD 已存在 (HTTP 409 conflict)
hotlinectl: 操作冲突: 短信中心连接 sim 已停止 (HTTP 409 conflict)
hotlinectl: 操作冲突: retry 只适用于待发送的行，第 $row 行的状态为 $st (HTTP 409 conflict)
hotlinectl: 未找到: 延期申请 999 不存在 (HTTP 404 not_found)
hotlinectl: 未找到: 联系人 999 不存在 (HTTP 404 not_found)
hotlinectl: 操作冲突: 不能对工单 $n 执行 dispatch: 当前状态为 closed (HTTP 409 conflict)
hotlinectl: 操作冲突: 工单 $n 的状态为 closed: 无须延期 (HTTP 409 conflict)
hotlinectl: 请求有误: limit: 过大 (HTTP 400 bad_request)
hotlinectl: 请求有误: state: 只能是 queued、inflight、held、sent、delivered、failed、expired、cancelled 或 waiting (HTTP 400 bad_request)
hotlinectl: 令牌无效: 令牌未知或格式有误 (HTTP 401 unauthorized)
EOF
check "API errors under C: the API's English messages, whole lines" \
    diff -u "$T_DIR/errs.en.want" "$T_DIR/errs.en"
check "API errors under zh_CN: translated, arguments reordered, whole" \
    diff -u "$T_DIR/errs.zh.want" "$T_DIR/errs.zh"
en ctl --json queue retry "$row" >"$T_DIR/ej.en" 2>&1
zh ctl --json queue retry "$row" >"$T_DIR/ej.zh" 2>&1
cat >"$T_DIR/ej.want" <<EOF
{
  "error": {
    "code": "conflict",
    "message": "row $row is $st: retry takes a queued row",
    "format": "row %lld is %s: %s takes a queued row",
    "args": [
      "$row",
      "$st",
      "retry"
    ]
  }
}
EOF
check "an API error --json: code, message, format, args; the same in both" \
    sh -c "diff -u '$T_DIR/ej.want' '$T_DIR/ej.en' &&
    cmp '$T_DIR/ej.en' '$T_DIR/ej.zh'"

today=$(date +%Y-%m-%d)
zh ctl stats >"$T_DIR/stats.zh" 2>&1
sed "s/$today/DATE/g" "$T_DIR/stats.zh" >"$T_DIR/stats.txt"
check "stats: the whole table in Chinese" \
    diff -u "$DATA/stats.zh.ok" "$T_DIR/stats.txt"

# --- machine output: the same bytes in both ------------------------------
same=0
for cmd in "--json unit list" "--json case list" "--json case show $n" \
    "--json stats --by category" "stats --csv --by unit" \
    "stats units --csv" "publish --from $today --to $today --format csv" \
    "publish --from $today --to $today --format json"; do
	# shellcheck disable=SC2086
	en ctl $cmd >"$T_DIR/m.en" 2>&1
	# shellcheck disable=SC2086
	zh ctl $cmd >"$T_DIR/m.zh" 2>&1
	if cmp -s "$T_DIR/m.en" "$T_DIR/m.zh" && [ -s "$T_DIR/m.en" ]; then
		same=$((same + 1))
	else
		echo "# differs: hotlinectl $cmd"
		diff "$T_DIR/m.en" "$T_DIR/m.zh" | head -n 10 | sed 's/^/# /'
	fi
done
check "--json and --csv: byte for byte the same under C and zh_CN" \
    test "$same" -eq 8

# --- contacts, an import refused, in Chinese and the same in --json -----
ctl contact add HB-ROAD handler 13800138032 李四 >/dev/null
ctl contact add office duty 13800138039 >/dev/null
zh ctl contact list >"$T_DIR/contacts.zh" 2>&1
sed 's/\(138[*]*[0-9]*\)~[a-z0-9]*/\1~HASH/' "$T_DIR/contacts.zh" \
    >"$T_DIR/contacts.txt"
check "contact list: the table in Chinese, the roles the office's words" \
    diff -u "$DATA/contacts.zh.ok" "$T_DIR/contacts.txt"
printf 'channel,external_id,category,text,msisdn\nphone,T-1,complaint\n' \
    >"$T_DIR/bad.csv"
printf 'phone,T-2,complaint,\377,13800138033\n' >>"$T_DIR/bad.csv"
printf 'phone,T-3,nonsense,路灯不亮,13800138033\n' >>"$T_DIR/bad.csv"
zh ctl case import --file "$T_DIR/bad.csv" >"$T_DIR/imp.zh" \
    2>"$T_DIR/imp.zh.err"
rc=$?
cat "$T_DIR/imp.zh" "$T_DIR/imp.zh.err" >"$T_DIR/imp.txt"
check "case import: each refused line and the count in Chinese, exit 1" \
    sh -c "test $rc -eq 1 && diff -u '$DATA/import.zh.ok' '$T_DIR/imp.txt'"
en ctl --json case import --file "$T_DIR/bad.csv" >"$T_DIR/imp.en" 2>/dev/null
zh ctl --json case import --file "$T_DIR/bad.csv" >"$T_DIR/imp.zhj" 2>/dev/null
en ctl --json contact list >"$T_DIR/con.en" 2>&1
zh ctl --json contact list >"$T_DIR/con.zhj" 2>&1
check "case import and contact list --json: the same under C and zh_CN" \
    sh -c "test -s '$T_DIR/imp.en' && cmp '$T_DIR/imp.en' '$T_DIR/imp.zhj' &&
    test -s '$T_DIR/con.en' && cmp '$T_DIR/con.en' '$T_DIR/con.zhj'"
zh ctl case nopublish "$n" on 涉及个人隐私 >"$T_DIR/np.zh" 2>&1
printf '%s: 不保密，不予公开\n' "$n" >"$T_DIR/np.want"
check "case nopublish: the case's flags in the office's words" \
    diff -u "$T_DIR/np.want" "$T_DIR/np.zh"

# a lifecycle refusal by role (lc_forbidden()), whole in both languages:
# a second case, imported without an SMS, dispatched to the road unit
printf 'channel,external_id,category,text,msisdn\n' >"$T_DIR/one.csv"
printf 'phone,T-9,complaint,路灯不亮,13800138034\n' >>"$T_DIR/one.csv"
ctl case import --file "$T_DIR/one.csv" >/dev/null 2>&1
n2=$(sql "$db" "SELECT number FROM cases ORDER BY id DESC LIMIT 1")
ctl case dispatch "$n2" HB-ROAD >/dev/null
en road case extend "$n2" 3 需要协调 >/dev/null 2>"$T_DIR/fb.en"
zh road case extend "$n2" 3 需要协调 >/dev/null 2>"$T_DIR/fb.zh"
printf 'hotlinectl: the lead unit may not extend case %s: ask the office (extension request, Art. 18) (HTTP 403 forbidden)\n' \
    "$n2" >"$T_DIR/fb.en.want"
printf 'hotlinectl: 无权操作: 主办单位不能对工单 %s 执行 extend: 请向热线工作机构提出延期申请(第十八条) (HTTP 403 forbidden)\n' \
    "$n2" >"$T_DIR/fb.zh.want"
check "a unit's lifecycle refusal: English under C, Chinese under zh_CN" \
    sh -c "test '$n' != '$n2' &&
    diff -u '$T_DIR/fb.en.want' '$T_DIR/fb.en' &&
    diff -u '$T_DIR/fb.zh.want' '$T_DIR/fb.zh'"
t_done
