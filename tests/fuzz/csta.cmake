# CSTA framing and ECMA-323 documents (appliance/csta/): replayed over the
# committed corpus and the vectors (captured frames, message templates).
ivm_add_fuzzer(fuzz_csta
  SOURCES ${ivm_fuzz_dir}/fuzz_csta.cpp DEPS ivm_csta
  CORPUS ${ivm_fuzz_dir}/corpus/csta
         ${PROJECT_SOURCE_DIR}/tests/vectors/csta/pyssimist-captured
         ${PROJECT_SOURCE_DIR}/tests/vectors/csta/pyssimist-CstaPool)
