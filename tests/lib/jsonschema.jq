# A JSON Schema check in jq, for the subset doc/json-schema.json uses: $ref to
# #/$defs/NAME, type (one or a list; "integer" is a number without a fraction),
# enum, required, properties, additionalProperties: false, items, oneOf. It prints one
# line per violation, naming where ("status[0].programs[1].packets: missing XDP_TX").
#
#   jq -r -L tests/lib --slurpfile S doc/json-schema.json --arg d DEF \
#      'include "jsonschema"; validate($S[0]; $d)'

def typeok($t):
	if $t == "integer" then (type == "number" and . == floor)
	elif $t == "number" then type == "number"
	elif $t == "null" then . == null
	else type == $t end;

def v($root; $s0; $p):
	. as $x
	| ($s0 | if type == "object" and has("$ref")
		then $root["$defs"][(.["$ref"] | ltrimstr("#/$defs/"))] else . end) as $s
	| (if $s.type then
		(if ($s.type | type) == "array" then $s.type else [$s.type] end) as $ts
		| if any($ts[]; . as $t | $x | typeok($t)) then empty
		  else "\($p): \($x | tojson | .[0:60]) is not \($ts | join("|"))" end
	   else empty end),
	  (if $s.oneOf then
		([$s.oneOf[] | . as $alt | [$x | v($root; $alt; $p)] | select(length == 0)] | length) as $ok
		| if $ok == 1 then empty else "\($p): matches \($ok) of its oneOf alternatives" end
	   else empty end),
	  (if $s.enum then
		(if any($s.enum[]; . == $x) then empty
		 else "\($p): \($x | tojson) is none of \($s.enum | tojson)" end)
	   else empty end),
	  (if ($x | type) == "object" then
		(($s.required // [])[] | select(. as $k | $x | has($k) | not) | "\($p): missing \(.)"),
		(($s.properties // {}) as $props
		 | $x | to_entries[] | .key as $k
		 | if $props[$k] then (.value | v($root; $props[$k]; "\($p).\($k)"))
		   elif $s.additionalProperties == false then "\($p): unexpected member \($k)"
		   else empty end)
	   else empty end),
	  (if ($x | type) == "array" and $s.items then
		$x | to_entries[] | .key as $k | .value | v($root; $s.items; "\($p)[\($k)]")
	   else empty end);

def validate($root; $name):
	if $root["$defs"][$name] == null then "no definition \($name) in the schema"
	else v($root; $root["$defs"][$name]; $name) end;
