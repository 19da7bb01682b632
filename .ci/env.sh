# Sourced by the scripts in .ci/: where the project's tools live.
# wasm-opt comes from the npm binaryen package installed under $PGO_TOOLS (see .ci/install),
# and must be found before any other wasm-opt on PATH.
export PGO_TOOLS="${PGO_TOOLS:-$HOME/.local/share/perfectgym-offers-tools}"
export PATH="$PGO_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
