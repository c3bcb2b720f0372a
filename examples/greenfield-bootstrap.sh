#!/usr/bin/env bash
# The seed's playbook A, a greenfield org from nothing, against a running single-process host:
# sign up and verify the owner, set a passcode, sign in, create the org, have the operator activate it,
# build the facility spine, declare a sales channel, invite and admit a member, and upload a record to MRS.
#
#   dotnet run --project services/Retail.Host                    # in one terminal
#   examples/greenfield-bootstrap.sh                              # in another, from the repository root
#
# Needs bash, curl, grep, sed, gzip and md5sum (a fresh Debian has them all); JSON answers are read with sed,
# so no JSON tool is installed. Settings:
#   RETAIL_URL       the host (default http://127.0.0.1:5080)
#   RETAIL_DATA_DIR  the host's data folder, for the mailbox and the operator key (default services/Retail.Host/data)
#   RETAIL_OPERATOR_KEY  the operator key (default: read from $RETAIL_DATA_DIR/operator.key)
set -euo pipefail

BASE=${RETAIL_URL:-http://127.0.0.1:5080}
DATA_DIR=${RETAIL_DATA_DIR:-services/Retail.Host/data}
OPERATOR_KEY=${RETAIL_OPERATOR_KEY:-$(cat "$DATA_DIR/operator.key")}
RUN=$(date +%s)-$RANDOM
PASSCODE='violet-harbour-57-kettle'

# POST path json [header...]: prints the answer's body; stops the script on anything but 2xx.
post() {
  local path=$1 body=$2 answer status
  shift 2
  local headers=()
  for h in "$@"; do headers+=(-H "$h"); done
  answer=$(curl -sS -X POST "$BASE$path" -H 'content-type: application/json' "${headers[@]}" -d "$body" -w '\n%{http_code}')
  status=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  if [[ $status != 2* ]]; then
    echo "POST $path answered $status: $answer" >&2
    exit 1
  fi
  printf '%s\n' "$answer"
}

# field name < json: the first string or number value of "name" (enough for the flat answers used here).
field() {
  sed -n -E 's/.*"'"$1"'":("([^"]*)"|([0-9]+)).*/\2\3/p' | head -n 1
}

# mail_token email: the token of the newest mail to that address, as a person reads it from the mailbox.
# The .eml files are CRLF mail, so the CR at the end of the line is removed (tr -d '\r').
mail_token() {
  grep -l "^To: <$1>" "$DATA_DIR"/mailbox/*.eml | sort | tail -n 1 | xargs grep -h '^token:' | cut -d' ' -f2 | tr -d '\r'
}

# sign_up email: a verified user with a passcode and a session; prints the session secret.
sign_up() {
  local email=$1 token passcode_token
  post /uas/user/create "{\"email\":\"$email\"}" >/dev/null
  token=$(mail_token "$email")
  passcode_token=$(post /uas/user/verify "{\"email\":\"$email\",\"token\":\"$token\"}" | field passcode_token)
  post /uas/passcode/set "{\"email\":\"$email\",\"passcode\":\"$PASSCODE\",\"passcode_token\":\"$passcode_token\"}" >/dev/null
  post /usm/session/create "{\"email\":\"$email\",\"passcode\":\"$PASSCODE\"}" | field session_guid
}

echo "1. The owner signs up, verifies the mailed token, sets a passcode and signs in"
OWNER_EMAIL="owner-$RUN@example.com"
OWNER_SESSION=$(sign_up "$OWNER_EMAIL")
OWNER=("x-session-guid: $OWNER_SESSION")           # a user session travels in x-session-guid
OWNER_GUID=$(post /uas/user/get '{}' "${OWNER[@]}" | field user_guid)
echo "   owner $OWNER_GUID signed in"

echo "2. The owner creates the org; it is pending until the operator activates it"
ORG="greenfield-${RUN//[^0-9]/}"
REVISION=$(post /ofm/org/create "{\"orgcode\":\"$ORG\",\"legal_name\":\"Greenfield Retail GmbH\"}" "${OWNER[@]}" | field revision)
OPERATOR=("x-api-key: $OPERATOR_KEY" "x-orgcode: $ORG")   # the operator key travels in x-api-key
post /ofm/org/status/set "{\"status\":\"active\",\"expected_revision\":$REVISION}" "${OPERATOR[@]}" | field status

IN_ORG=("${OWNER[@]}" "x-orgcode: $ORG")
echo "3. The facility spine: a physical site, a legal entity, a logical store"
post /ofm/facility/physical/create '{"facility_code":"site-1","name":"Main street site","time_zone":"Europe/Berlin"}' "${IN_ORG[@]}" | field facility_code
post /ofm/facility/legal/create '{"facility_code":"entity-1","legal_name":"Greenfield Retail GmbH","country":"DE","tax_id":"DE123456789"}' "${IN_ORG[@]}" | field facility_code
post /ofm/facility/logical/create '{"facility_code":"store-berlin","name":"Berlin store","kind":"store","physical_facility_code":"site-1","legal_facility_code":"entity-1"}' "${IN_ORG[@]}" | field facility_code

echo "4. A sales channel"
post /ofm/sales-channel/create '{"channel_code":"pos-berlin","name":"Berlin tills","kind":"pos","market_code":"de","locale_codes":["de-DE"],"facility_code":"store-berlin"}' "${IN_ORG[@]}" | field channel_code

echo "5. The owner invites a colleague, who signs up and accepts"
MEMBER_EMAIL="member-$RUN@example.com"
MEMBER_SESSION=$(sign_up "$MEMBER_EMAIL")
INVITE=$(post /ofm/member/invite/create "{\"email\":\"$MEMBER_EMAIL\",\"role\":\"member\"}" "${IN_ORG[@]}" | field invite_guid)
post /ofm/member/invite/accept "{\"invite_guid\":\"$INVITE\"}" "x-session-guid: $MEMBER_SESSION" "x-orgcode: $ORG" | field role

echo "6. The member uploads a record to MRS: ask for a signed URL, PUT the gzip bytes, complete"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf '{"receipt_footer":"Danke!"}' | gzip -c > "$WORK/config.json.gz"
SIZE=$(wc -c < "$WORK/config.json.gz" | tr -d ' ')
MD5=$(md5sum "$WORK/config.json.gz" | cut -d' ' -f1)
CREATED=$(post /mrs/record "{\"content_type\":\"application/json\",\"size_bytes\":$SIZE,\"md5\":\"$MD5\",\"name\":\"pos-config\"}" \
  "x-session-guid: $MEMBER_SESSION" "x-orgcode: $ORG")
RECORD=$(printf '%s' "$CREATED" | field record_guid)
UPLOAD_URL=$(printf '%s' "$CREATED" | field url)
curl -sS -f -X PUT "$UPLOAD_URL" -H 'content-type: application/gzip' --data-binary "@$WORK/config.json.gz"
post /mrs/record/complete "{\"record_guid\":\"$RECORD\",\"expected_revision\":1}" "x-session-guid: $MEMBER_SESSION" "x-orgcode: $ORG" | field status

echo "Done: org $ORG is active, with a store, a channel, a member and a record in MRS."
