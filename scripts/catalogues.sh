#!/usr/bin/env bash
# Extract every text of the web app into the template and merge it into the ru, uk, en
# catalogues (src/kintrace/locale/<lang>/LC_MESSAGES/kintrace.po). Translate what is new or
# fuzzy, then run tests/unit/test_catalogues.py. Nothing is compiled: the app compiles the
# catalogues in memory when it starts (src/kintrace/web/i18n.py).
set -euo pipefail
cd "$(dirname "$0")/.."
locale=src/kintrace/locale
uv run pybabel extract -F babel.cfg -k N_ -k tr:2 -k tr_n:2,3 --no-location --sort-output \
    --project kintrace --copyright-holder "kintrace" -o "$locale/kintrace.pot" src/kintrace
for lang in ru uk en; do
    if [ -f "$locale/$lang/LC_MESSAGES/kintrace.po" ]; then
        uv run pybabel update -i "$locale/kintrace.pot" -d "$locale" -D kintrace -l "$lang" \
            --no-wrap --ignore-obsolete --no-fuzzy-matching
    else
        uv run pybabel init -i "$locale/kintrace.pot" -d "$locale" -D kintrace -l "$lang" --no-wrap
    fi
done
