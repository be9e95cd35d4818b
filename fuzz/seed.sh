#!/bin/sh
# Seeds the fuzz corpora (git-ignored) from the shipped scenarios and the error catalog.
# Run from anywhere: sh fuzz/seed.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/load_and_evaluate" "$here/corpus/values"
n=0
for f in "$root"/scenarios/*.toml "$root"/tests/errors/*.toml; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    cp "$f" "$here/corpus/load_and_evaluate/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# A first line `#set PATH=VALUE` makes the target load the file with that `--set` too.
if [ -e "$root/scenarios/seed-round.toml" ]; then
    { printf '#set round[0].pre_money="20M"\n'; cat "$root/scenarios/seed-round.toml"; } \
        > "$here/corpus/load_and_evaluate/set-seed-round.toml"
fi
# The value target reads the value text up to the first NUL byte: plain value forms are
# inputs as they are.
for v in '$50B' '250k' '12,500,000' '26%' '2.5x' '1e3' '2.5e-3' '1176470.5' '0.0000000000000000000000000001%'; do
    printf '%s' "$v" > "$here/corpus/values/$(printf '%s' "$v" | od -An -tx1 | tr -d ' \n')"
done
echo "copied $n scenario and error-catalog files into fuzz/corpus/load_and_evaluate"
