#!/bin/sh
# examples/returns_sync against a local eBay sandbox: it syncs every return
# and a second run finds nothing new.
#   returns_sync_example_test.sh SANBAO_CLI RETURNS_SYNC RULES
set -eu
cli=$1 example=$2 rules=$3
work=$(mktemp -d)
"$cli" sandbox ebay --port 0 --returns 300 --seed 3 >"$work/sandbox.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
url=""
for _ in $(seq 200); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.out" | head -n1 || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "sandbox did not start"; cat "$work/sandbox.out"; exit 1; }
creds=$(grep '^credentials:' "$work/sandbox.out")
SANBAO_EBAY_CLIENT_ID=$(echo "$creds" | sed -n 's/.*client_id=\([^ ]*\).*/\1/p')
SANBAO_EBAY_CLIENT_SECRET=$(echo "$creds" | sed -n 's/.*client_secret=\([^ ]*\).*/\1/p')
SANBAO_EBAY_REFRESH_TOKEN=$(echo "$creds" | sed -n 's/.*refresh_token=\([^ ]*\).*/\1/p')
export SANBAO_EBAY_CLIENT_ID SANBAO_EBAY_CLIENT_SECRET SANBAO_EBAY_REFRESH_TOKEN
first=$("$example" "$url" "$rules" "$work/store.db")
echo "$first" | head -n1
echo "$first" | grep -q '^fetched 300 (new 300, updated 0)' || { echo "first run: $first"; exit 1; }
second=$("$example" "$url" "$rules" "$work/store.db")
echo "$second" | head -n1
echo "$second" | grep -q 'new 0, .*refunded 0, .*errors 0' || { echo "second run: $second"; exit 1; }
