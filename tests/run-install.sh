#!/bin/sh
# "make install" never overwrites configuration (issue 15): installed
# twice into a DESTDIR with an operator's edits in between, the edited
# files stay as they are, the new samples go beside them as NAME.sample
# and a line says so; files left alone are not doubled.  The directories
# "hotlined -t" needs (the database's, the log's) are created, and the
# unit (where systemd is) names the installed paths.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
[ -f "$top_builddir/Makefile" ] || skip_all "no Makefile in $top_builddir"
plan 14

root="$T_DIR/root"
# the suite's own make must not lend its jobserver to this one
inst() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
	    "$@" DESTDIR="$root" >"$T_DIR/make.out" 2>&1
}

check "make install into an empty DESTDIR" inst install
conf=$(find "$root" -name hotlined.conf -type f | head -n 1)
etc=${conf%/hotlined.conf}
check "the configuration is installed" test -f "$conf" -a -f "$etc/hotlined.rules"
check "no sample on a first install" sh -c "! ls '$etc' | grep -q sample"
check "the database's and the log's directories are created" sh -c "
	find '$root' -type d -path '*/lib/hotlined' | grep -q . &&
	find '$root' -type d -path '*/log/hotlined' | grep -q ."

# the operator's edits, then an upgrade
printf 'log-level debug\n' >>"$conf"
printf '# the office added this\n' >>"$etc/hotlined.rules"
cp "$conf" "$T_DIR/conf.edited"
check "make install again" inst install
check "it says it kept hotlined.conf and where the sample went" grep -Fq \
    "hotlined: $conf exists, not overwritten; the new sample is $conf.sample" \
    "$T_DIR/make.out"
check "the edited hotlined.conf is untouched" cmp -s "$conf" "$T_DIR/conf.edited"
check "the edited rules are untouched" \
    grep -q '^# the office added this$' "$etc/hotlined.rules"
check "the samples are the new files" sh -c "
	cmp -s '$top_srcdir/etc/hotlined.conf' '$conf.sample' &&
	cmp -s '$top_srcdir/etc/hotlined.rules' '$etc/hotlined.rules.sample'"
check "an unedited file gets no sample" test ! -e "$etc/hotlined.calendar.sample"

unit=$(find "$root" -name hotlined.service | head -n 1)
if [ -n "$unit" ]; then
	check "the unit names the installed hotlined" sh -c "
		grep -Eq '^ExecStart=/[^@]*/hotlined -f -c /[^@]*/hotlined.conf\$' '$unit'"
else
	ok "# SKIP no systemd unit directory (configure found no systemd)"
fi

if [ "${HOTLINE_NLS:-no}" = yes ]; then
	check "hotlinectl's Chinese is installed (share/locale/zh_CN)" sh -c "
		find '$root' -path '*/share/locale/zh_CN/LC_MESSAGES/hotlinectl.mo' |
		grep -q ."
else
	skip_n 1 "built without translations (configure --enable-nls)"
fi

inst uninstall
check "uninstall removes the samples, keeps the configuration" sh -c "
	test ! -e '$conf.sample' && cmp -s '$conf' '$T_DIR/conf.edited'"
check "uninstall removes hotlinectl.mo" sh -c "
	! find '$root' -name hotlinectl.mo | grep -q ."
t_done
