# tests/faults.sh: the storage fault tests' shared steps (run-storage.sh,
# run-diskfull.sh), sourced after tests/lib.sh.  A fault test offers a
# bounded, paced load of MOs through smscsim, breaks the storage in the
# middle, repairs it, and counts: every MO must end up a case exactly once,
# because smscsim resends what was not acknowledged and never what was.

# fault_scenario FILE N STEP TAG: N complaints from distinct 1380013xxxx
# numbers, one every STEP, their texts marked TAG (each fault its own, so
# no text is a resend of another fault's), then wait for every ack, exit.
fault_scenario() {
	_i=0
	{
		echo "at=+0.2s"
		while [ $_i -lt "$2" ]; do
			printf 'after=%s from=1380013%04d to=12345 text=投诉：%s幸福花园%d号楼楼下餐馆油烟扰民，请处理。\n' "$3" "$_i" "$4" "$_i"
			_i=$((_i + 1))
		done
		echo "wait-for=ack"
		echo "after=1s"
		echo "exit"
	} >"$1"
}

# fault_wait_cases DB TAG COUNT [TRIES]: until the database holds COUNT
# cases of TAG (TRIES x 50 ms, default 10 s)
fault_wait_cases() {
	for _i in $(seq 1 "${4:-200}"); do
		_n=$(sql "$1" "SELECT count(*) FROM cases WHERE text LIKE '%$2%'")
		[ "${_n:-0}" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# fault_count TAG N DB: say what was tried and lost; lost and doubled in
# $lost and $doubled (every MO is a case once: lost 0, doubled 0)
fault_count() {
	_cases=$(sql "$3" "SELECT count(*) FROM cases WHERE text LIKE '%$1%'")
	_distinct=$(sql "$3" "SELECT count(DISTINCT text) FROM cases WHERE text LIKE '%$1%'")
	lost=$(( $2 - ${_distinct:-0} ))
	doubled=$(( ${_cases:-0} - ${_distinct:-0} ))
	echo "# $1: tried=$2 MOs cases=${_cases:-0} lost=$lost doubled=$doubled"
}
