#!/usr/bin/env bash
# Runs the typecheck and the tests against the lowest or the newest Nest 12 releases that the
# peer range in package.json allows, installed from the registry without touching package.json
# or the lock file, then puts the lock file's tree back (`npm ci`), whatever the outcome.
#
#   .ci/nest-versions.sh lowest|newest [vitest args, e.g. test files]
#
# Without vitest args the whole vitest suite runs (not the benchmark). @nestjs/platform-express
# and @nestjs/testing are not peers, but Nest releases them in step: they follow @nestjs/core's range.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in
  lowest | newest) shift ;;
  *)
    echo "usage: $0 lowest|newest [vitest args]" >&2
    exit 2
    ;;
esac

# "<package> <range>" per line: the peer ranges, and core's range for the two that follow it.
mapfile -t ranges < <(node -e '
  const { peerDependencies: peers } = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
  const nest = Object.keys(peers).filter(name => name.startsWith("@nestjs/"));
  for (const name of nest) console.log(`${name} ${peers[name]}`);
  for (const name of ["@nestjs/platform-express", "@nestjs/testing"]) console.log(`${name} ${peers["@nestjs/core"]}`);
')

specs=()
for line in "${ranges[@]}"; do
  read -r name range <<<"$line"
  # `npm view name@range version --json` lists every published version in the range, oldest first
  # (a plain string when only one matches). Pre-releases are outside a caret range.
  version="$(npm view "$name@$range" version --json | node -e '
    const found = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
    if (found.length === 0) process.exit(1);
    console.log(process.argv[1] === "lowest" ? found[0] : found[found.length - 1]);
  ' "$mode")" || { echo "no published version of $name in $range" >&2; exit 1; }
  specs+=("$name@$version")
done

restore() {
  echo "== restoring the lock file's packages (npm ci)"
  npm ci --no-audit --no-fund >/dev/null
}
trap restore EXIT

echo "== installing ($mode): ${specs[*]}"
# --legacy-peer-deps: @nestjs/core, platform-express and testing 12.0.0 were published with peer
# ranges still at ^11 (12.0.1 fixed them), which npm would otherwise refuse to install.
npm install --no-save --no-audit --no-fund --legacy-peer-deps "${specs[@]}" >/dev/null

# The versions the tests will load, read from the installed packages, must be the ones asked for.
for spec in "${specs[@]}"; do
  name="${spec%@*}"
  wanted="${spec##*@}"
  installed="$(node -p "JSON.parse(require('fs').readFileSync('node_modules/$name/package.json', 'utf8')).version")"
  if [ "$installed" != "$wanted" ]; then
    echo "$name: installed $installed, wanted $wanted" >&2
    exit 1
  fi
  echo "   $name $installed"
done

npm run typecheck
npx vitest run "$@"
