# DHCP codec and server (provisioning/dhcp).
ivm_add_fuzzer(fuzz_dhcp
  SOURCES ${ivm_fuzz_dir}/fuzz_dhcp.cpp DEPS ivm_dhcp
  CORPUS ${ivm_fuzz_dir}/corpus/dhcp ${PROJECT_SOURCE_DIR}/tests/vectors/dhcp)
