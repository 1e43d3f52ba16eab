/*
 * One line of an ASA extended access list, as used to select flows for tcp-state-bypass
 * (doc/protocols.md §ASA bypass):
 *
 *     access-list BYPASS extended permit tcp any host 198.18.2.2 eq 10000
 *
 * Only the match part after "permit" is modelled: protocol, source, optional source port,
 * destination, optional destination port. Addresses are `any`, `host A.B.C.D`,
 * `A.B.C.D M.M.M.M` or `A.B.C.D/len`; ports are `eq N` or `range N M`.
 */
#ifndef VPNSIM_MODEL_ASA_ACCESS_LIST_H
#define VPNSIM_MODEL_ASA_ACCESS_LIST_H

#include "model/wire/result.h"

#include <cstdint>
#include <string>

namespace ns3
{

struct AsaAccessListEntry
{
    uint8_t protocol{0}; ///< 0 for `ip` (any protocol)
    uint32_t sourceAddress{0};
    uint32_t sourceMask{0};
    uint16_t sourcePortLow{0};
    uint16_t sourcePortHigh{65535};
    uint32_t destinationAddress{0};
    uint32_t destinationMask{0};
    uint16_t destinationPortLow{0};
    uint16_t destinationPortHigh{65535};

    /// True if the packet's 5-tuple (addresses in host order) matches this line.
    bool Matches(uint8_t protocol, uint32_t source, uint16_t sourcePort, uint32_t destination,
                 uint16_t destinationPort) const;
};

/// Parses "tcp any host 198.18.2.2 eq 10000". The error names the token and what was expected.
vpnsim::wire::Result<AsaAccessListEntry> ParseAsaAccessListEntry(const std::string& text);

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_ACCESS_LIST_H
