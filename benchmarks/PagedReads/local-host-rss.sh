#!/usr/bin/env bash
# Bounded reads on the local host (issue 12): seeds a SQLite history with one ~10 MB session (640 messages of
# 16,000 characters, the input limit), starts the local host on it, reads the session's messages with 32
# parallel requests (3 rounds, the default page and limit=1000), and prints the host's resident memory
# before and after (VmRSS) and its peak (VmHWM) from /proc. Usage: benchmarks/PagedReads/local-host-rss.sh [host dll]
set -euo pipefail
cd "$(dirname "$0")/../.."
dll=${1:-src/Hosts.Local/bin/Release/net10.0/ChatBedrock.Hosts.Local.dll}
[[ -f $dll ]] || dotnet build src/Hosts.Local -c Release -v q >/dev/null
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/history.db
port=${PORT:-5097}

sqlite3 "$db" <<'SQL' >/dev/null
PRAGMA journal_mode = WAL;
CREATE TABLE messages (session_id TEXT NOT NULL, sequence INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')), content TEXT NOT NULL,
    created_at INTEGER, PRIMARY KEY (session_id, sequence));
PRAGMA user_version = 1;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 639)
INSERT INTO messages SELECT 'big', i, CASE i % 2 WHEN 0 THEN 'user' ELSE 'assistant' END,
    printf('%d:', i) || substr(hex(zeroblob(8000)), 1, 16000 - length(printf('%d:', i))), NULL FROM n;
SQL
echo "session: $(sqlite3 "$db" "SELECT COUNT(*) || ' messages, ' || SUM(length(content)) || ' characters' FROM messages;")"

# No model is needed to read; a region keeps the Bedrock provider from asking for one.
AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x dotnet "$dll" --urls "http://127.0.0.1:$port" \
    --store sqlite --Sqlite:DatabasePath "$db" --model-provider bedrock >"$work/host.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/sessions/big/messages" -o /dev/null   # first read: connection pools, JIT
rss() { awk -v k="$1:" '$1 == k { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status"; }
echo "before: VmRSS $(rss VmRSS), VmHWM $(rss VmHWM)"
for query in "" "?limit=1000"; do
  for round in 1 2 3; do
    seq 1 32 | xargs -P 32 -I{} curl -sf "http://127.0.0.1:$port/sessions/big/messages$query" -o /dev/null -w '%{size_download}\n' >"$work/sizes"
  done
  echo "after 3 × 32 parallel reads of /sessions/big/messages$query: VmRSS $(rss VmRSS), VmHWM $(rss VmHWM); body $(sort -u "$work/sizes" | tr '\n' ' ')bytes"
done
