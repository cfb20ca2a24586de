#!/usr/bin/env bash
# Debian packages lingtan needs beyond PyPI: a CJK TrueType font for PDF reports and charts
# (fonts-wqy-zenhei). With --test also what the tests use: poppler-utils
# (pdftotext/pdftoppm/pdfimages) and chromium (renders the HTML reports headless).
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
if [ "${1:-}" = "--test" ]; then
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
