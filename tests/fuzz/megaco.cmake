# H.248 text codec (appliance/megaco/): replayed over the committed corpus
# (payloads of Wireshark's randpkt MEGACO capture) and the vectors (OTP's
# time_test messages, real captures).
ivm_add_fuzzer(fuzz_megaco
  SOURCES ${ivm_fuzz_dir}/fuzz_megaco.cpp DEPS ivm_megaco ivm_mgcp
  CORPUS ${ivm_fuzz_dir}/corpus/megaco
         ${PROJECT_SOURCE_DIR}/tests/vectors/megaco/otp-time_test
         ${PROJECT_SOURCE_DIR}/tests/vectors/megaco/captured-text)
