// What every libFuzzer harness shares: a check that stops the run with a
// message, so that a broken property is reported like a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace mcproxy::fuzz {

// libFuzzer reports the abort as a "deadly signal" and saves the input.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

}  // namespace mcproxy::fuzz
