# Sourced before the release wasm is built (.ci/build-release, src/embed/npm-package.sh): the
# widget's release wasm is compiled by a pinned nightly that rebuilds the standard library for it
# (size-optimised, panics as an immediate trap, no panic locations): 19.9 KB gzip less than
# stable 1.95.0 with the same profile, and no `Debug` output (-Zfmt-debug=none, 3.2 KB gzip less:
# nothing the widget shows may come from a `Debug`; README "Bundle size"). Everything else
# (tests, lints, the proxy, `trunk serve`) stays on rust-toolchain.toml's stable toolchain.
export PGO_RELEASE_TOOLCHAIN=nightly-2026-05-20
export RUSTUP_TOOLCHAIN=$PGO_RELEASE_TOOLCHAIN
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
# Added to .cargo/config.toml's flags for this target (cargo merges the two lists).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
