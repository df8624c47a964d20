#!/usr/bin/env bash
# Installs the Debian packages greencert needs, when missing; explains what to do when it cannot.
set -u
# gettext: translations; wrk: benchmarks; pango + harfbuzz-subset + Noto CJK: PDF certificates
# with Chinese text (WeasyPrint); zbar-tools and poppler-utils: tests decode QR codes and read PDFs;
# chromium: browser tests (Playwright drives the Debian build).
needed=(gettext wrk chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk zbar-tools poppler-utils)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "greencert: missing system packages: ${missing[*]}; this is not a Debian-like system (no apt-get)." >&2
  echo "           Install the equivalents yourself; tests and the demo run without them, make bench needs wrk." >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
  echo "greencert: missing system packages: ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
echo "greencert: installing system packages: ${missing[*]}"
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "greencert: apt-get could not install ${missing[*]}; install them by hand." >&2
