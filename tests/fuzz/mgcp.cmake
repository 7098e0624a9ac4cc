# MGCP codec (appliance/mgcp/): replayed over the committed corpus and the
# vectors (RFC 3435 Appendix F, osmo-mgw's table, a real capture).
ivm_add_fuzzer(fuzz_mgcp
  SOURCES ${ivm_fuzz_dir}/fuzz_mgcp.cpp DEPS ivm_mgcp
  CORPUS ${ivm_fuzz_dir}/corpus/mgcp ${PROJECT_SOURCE_DIR}/tests/vectors/mgcp)
