# Call routing (appliance/routing/): zone files, TZ strings, rules and
# profiles; replayed over the committed corpus.
ivm_add_fuzzer(fuzz_routing
  SOURCES ${ivm_fuzz_dir}/fuzz_routing.cpp DEPS ivm_routing
  CORPUS ${ivm_fuzz_dir}/corpus/routing)
