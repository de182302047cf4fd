#!/usr/bin/env bash
# Build the front-end assets into static/ (all outputs are git-ignored):
#   static/css/application.css            <- assets/scss/application.scss (compressed)
#   static/js/govuk-frontend.min.js(.map) <- govuk-frontend (an ES module:
#                                            load with <script type="module">)
#   static/js/vendor/axe.min.js           <- axe-core, for accessibility tests
# GOV.UK Frontend's own assets (crown, crest, icons, manifest, fonts) are EDT's to leave out:
# none is copied, and the build fails if the CSS would load one. static/favicon.ico is EDT's.
#
# Installs node_modules with `npm ci` from package-lock.json (npm install if
# there is no lock). The install is skipped when node_modules already matches
# the lock (hash recorded after the last successful install); set
# FORCE_NPM_INSTALL=1 to reinstall anyway.
#
# Sass deprecations are fatal (SASS_FATAL_DEPRECATIONS=0 to only warn), and the
# build fails if the CSS references GDS Transport or any font file.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { echo "build-assets: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v node >/dev/null || die "node not found (Node 20+ needed)"
command -v npm >/dev/null || die "npm not found"

start=$SECONDS

# --- node_modules ----------------------------------------------------------
stamp=node_modules/.build-assets-lock.sha256
if [[ -f package-lock.json ]]; then
  want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
  if [[ ${FORCE_NPM_INSTALL:-0} != 1 && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    log "node_modules up to date with package-lock.json, skipping npm ci"
  else
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$want" >"$stamp"
  fi
else
  log "no package-lock.json: npm install"
  npm install --no-audit --no-fund --loglevel=error >&2
fi

GF=node_modules/govuk-frontend/dist/govuk
[[ -d $GF ]] || die "$GF missing after npm install"
[[ -f node_modules/axe-core/axe.min.js ]] || die "node_modules/axe-core/axe.min.js missing"

# --- CSS ---------------------------------------------------------------------
mkdir -p static/css static/js/vendor
sass_args=(--style=compressed --no-source-map --load-path=node_modules)
if [[ ${SASS_FATAL_DEPRECATIONS:-1} != 0 ]]; then
  # Every deprecation known to the installed Sass version is an error.
  sass_version=$(node -p 'require("./node_modules/sass/package.json").version')
  sass_args+=(--fatal-deprecation="$sass_version")
fi
log "sass assets/scss/application.scss -> static/css/application.css"
tmp_css=$(mktemp static/css/.application.css.XXXXXX)
trap 'rm -f "$tmp_css"' EXIT
node_modules/.bin/sass "${sass_args[@]}" assets/scss/application.scss "$tmp_css"

# Not a GOV.UK service: GDS Transport must not be referenced at all.
if grep -Eqi 'GDS Transport|\.woff2?|/fonts/' "$tmp_css"; then
  grep -Eoi '.{0,60}(GDS Transport|\.woff2?|/fonts/).{0,60}' "$tmp_css" | head -5 >&2
  die "application.css references GDS Transport / font files (check \$govuk-include-default-font-face)"
fi
chmod 644 "$tmp_css"
mv -f "$tmp_css" static/css/application.css

# --- JS ----------------------------------------------------------------------
cp -f "$GF/govuk-frontend.min.js" "$GF/govuk-frontend.min.js.map" static/js/
cp -f node_modules/axe-core/axe.min.js static/js/vendor/axe.min.js

# --- no GOV.UK images, icons or manifest -------------------------------------
rm -rf static/assets
if grep -Eqi 'govuk-(crest|crown|icon|opengraph)|manifest\.json|url\([^)]*\.(svg|png|ico)' static/css/application.css; then
  grep -Eoi '.{0,60}url\([^)]*\).{0,20}' static/css/application.css | head -5 >&2
  die "application.css loads an image: GOV.UK's images are not this service's"
fi

log "done in $((SECONDS - start))s: $(du -sh static/css/application.css | cut -f1) CSS," \
  "govuk-frontend $(node -p 'require("./node_modules/govuk-frontend/package.json").version')," \
  "axe-core $(node -p 'require("./node_modules/axe-core/package.json").version')"
