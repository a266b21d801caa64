# shellcheck shell=bash
# The JSON schema checks shared by the suites: doc/json-schema.json, checked by
# tests/lib/jsonschema.jq (jq only).
#   conforms DEF      the JSON document(s) on stdin follow $defs/DEF (each, for JSON lines)

SCHEMA="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/doc/json-schema.json"

conforms()
{
	local errs
	errs=$(jq -r -L "$(dirname "${BASH_SOURCE[0]}")" --slurpfile S "$SCHEMA" --arg d "$1" \
		'include "jsonschema"; validate($S[0]; $d)') || return 1
	[ -z "$errs" ] || {
		echo "not $1: $errs"
		return 1
	}
}
