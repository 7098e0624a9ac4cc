# TFTP codec, request screening and transfer machine
# (provisioning/tftp/); replayed over the committed corpus and the packets
# extracted from the Wireshark sample captures.
ivm_add_fuzzer(fuzz_tftp
  SOURCES ${ivm_fuzz_dir}/fuzz_tftp.cpp DEPS ivm_tftp
  CORPUS ${ivm_fuzz_dir}/corpus/tftp ${PROJECT_SOURCE_DIR}/tests/vectors/tftp)
