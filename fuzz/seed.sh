#!/bin/sh
# Seeds the fuzz corpora (git-ignored) from the shipped scenarios and the error catalog.
# Run from anywhere: sh fuzz/seed.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/load_and_evaluate" "$here/corpus/values"
for f in "$root"/scenarios/*.toml "$root"/tests/errors/*.toml; do
    [ -e "$f" ] || continue
    cp "$f" "$here/corpus/load_and_evaluate/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# The value target takes structured input (arbitrary); a few of the value forms as raw
# bytes still give it useful strings to start from.
for v in '$50B' '250k' '12,500,000' '26%' '2.5x' '1e3' '2.5e-3' '1176470.5' '0.0000000000000000000000000001%'; do
    printf '%s' "$v" > "$here/corpus/values/$(printf '%s' "$v" | od -An -tx1 | tr -d ' \n')"
done
echo "seeded $(ls "$here/corpus/load_and_evaluate" | wc -l) files into fuzz/corpus/load_and_evaluate"
