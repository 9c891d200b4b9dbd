#!/usr/bin/env bash
# Update the project's catalogues in locale/ from every app and template. makemessages sends an
# app's strings to that app's own locale/ when it has one; the project catalogue must hold them
# all (it wins over the apps' own), so this runs makemessages on a scratch copy of the tree where
# only locale/ exists and brings the updated .po files back. Translate, then compile:
#   .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar --exclude=./.venv --exclude=./node_modules --exclude=./.git --exclude=./test-artifacts \
    --exclude=./static/vendor --exclude=./media --exclude=./staticfiles -cf - . | tar -xf - -C "$scratch"
(
    cd "$scratch"
    find . -name locale -type d -not -path ./locale -prune -exec rm -rf {} +
    "$OLDPWD/.venv/bin/python" manage.py makemessages -l uz_Cyrl -l uz_Latn -l ru -l en \
        --no-location --ignore=.venv --ignore=node_modules -v0
)
for lang in uz_Cyrl uz_Latn ru en; do
    cp "$scratch/locale/$lang/LC_MESSAGES/django.po" "locale/$lang/LC_MESSAGES/django.po"
done
echo "Updated locale/*/LC_MESSAGES/django.po; untranslated or fuzzy entries fail dashboard/tests/test_locale.py."
