# What keeps the build short on two cores (the test command builds everything from scratch).

# The ns-3 headers that most of model/, helper/ and their tests include: parsing them is about
# 4 s of each such file's compile time, so those targets precompile them once.
set(VPNSIM_NS3_COMMON_HEADERS <ns3/boolean.h> <ns3/ipv4-l3-protocol.h> <ns3/log.h>
    <ns3/net-device.h> <ns3/node.h> <ns3/nstime.h> <ns3/object.h> <ns3/packet.h>
    <ns3/simulator.h> <ns3/string.h> <ns3/uinteger.h>)

# vpnsim_test_suite(TARGET [HEADER...]): what every GoogleTest suite's own code shares. Parsing
# gtest and gmock costs each test file about 5 s, so each suite precompiles them (and the
# HEADERs) once. Test code is compiled at -O1 even in Release: -O3 costs a third more compile
# time there, while the code under test keeps its library's optimisation.
function(vpnsim_test_suite target)
  target_precompile_headers(${target} PRIVATE <gtest/gtest.h> <gmock/gmock.h> <functional>
                            <map> <memory> <optional> <string> <vector> ${ARGN})
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
endfunction()
