#include "model/asa-access-list.h"

#include "model/wire/ipv4-header.h"

#include <sstream>
#include <vector>

namespace ns3
{

using vpnsim::wire::ErrorCode;
using R = vpnsim::wire::Result<AsaAccessListEntry>;

bool
AsaAccessListEntry::Matches(uint8_t proto, uint32_t source, uint16_t sourcePort,
                            uint32_t destination, uint16_t destinationPort) const
{
    return (protocol == 0 || protocol == proto)
           && (source & sourceMask) == (sourceAddress & sourceMask)
           && (destination & destinationMask) == (destinationAddress & destinationMask)
           && sourcePort >= sourcePortLow && sourcePort <= sourcePortHigh
           && destinationPort >= destinationPortLow && destinationPort <= destinationPortHigh;
}

namespace
{

/// Reads tokens left to right; every failure says which token and what was expected.
class Tokens
{
  public:
    explicit Tokens(const std::string& text)
    {
        std::istringstream in(text);
        for (std::string t; in >> t;)
        {
            m_tokens.push_back(t);
        }
    }

    bool AtEnd() const
    {
        return m_next >= m_tokens.size();
    }

    const std::string& Peek() const
    {
        static const std::string end = "<end>";
        return AtEnd() ? end : m_tokens[m_next];
    }

    std::string Take()
    {
        std::string t = Peek();
        ++m_next;
        return t;
    }

  private:
    std::vector<std::string> m_tokens;
    size_t m_next{0};
};

std::string
Expected(const std::string& what, const std::string& got)
{
    return "access-list: expected " + what + ", got '" + got + "'";
}

vpnsim::wire::Status
ParseAddress(Tokens& t, uint32_t& address, uint32_t& mask)
{
    std::string first = t.Take();
    if (first == "any")
    {
        address = 0;
        mask = 0;
        return vpnsim::wire::Success();
    }
    if (first == "host")
    {
        std::string a = t.Take();
        auto parsed = vpnsim::wire::ParseIpv4Address(a);
        if (!parsed)
        {
            return vpnsim::wire::Status::Fail(ErrorCode::BadValue,
                                              Expected("an IPv4 address after 'host'", a));
        }
        address = *parsed;
        mask = 0xFFFFFFFF;
        return vpnsim::wire::Success();
    }
    size_t slash = first.find('/');
    auto parsed = vpnsim::wire::ParseIpv4Address(first.substr(0, slash));
    if (!parsed)
    {
        return vpnsim::wire::Status::Fail(
            ErrorCode::BadValue,
            Expected("'any', 'host A.B.C.D', 'A.B.C.D M.M.M.M' or 'A.B.C.D/len'", first));
    }
    address = *parsed;
    if (slash != std::string::npos)
    {
        int len = -1;
        try
        {
            len = std::stoi(first.substr(slash + 1));
        }
        catch (const std::exception&)
        {
        }
        if (len < 0 || len > 32)
        {
            return vpnsim::wire::Status::Fail(ErrorCode::BadValue,
                                              Expected("a prefix length 0-32", first));
        }
        mask = len == 0 ? 0 : 0xFFFFFFFFu << (32 - len);
        return vpnsim::wire::Success();
    }
    std::string m = t.Take();
    auto parsedMask = vpnsim::wire::ParseIpv4Address(m);
    if (!parsedMask)
    {
        return vpnsim::wire::Status::Fail(ErrorCode::BadValue, Expected("a netmask", m));
    }
    mask = *parsedMask;
    return vpnsim::wire::Success();
}

vpnsim::wire::Result<uint16_t>
ParsePort(const std::string& token)
{
    long value = -1;
    try
    {
        size_t used = 0;
        value = std::stol(token, &used);
        if (used != token.size())
        {
            value = -1;
        }
    }
    catch (const std::exception&)
    {
    }
    if (value < 0 || value > 65535)
    {
        return vpnsim::wire::Result<uint16_t>::Fail(ErrorCode::BadValue,
                                                    Expected("a port 0-65535", token));
    }
    return static_cast<uint16_t>(value);
}

vpnsim::wire::Status
ParsePorts(Tokens& t, bool allowed, uint16_t& low, uint16_t& high)
{
    if (t.Peek() != "eq" && t.Peek() != "range")
    {
        return vpnsim::wire::Success();
    }
    if (!allowed)
    {
        return vpnsim::wire::Status::Fail(ErrorCode::BadValue,
                                          "access-list: ports are only allowed with tcp or udp");
    }
    bool range = t.Take() == "range";
    auto a = ParsePort(t.Take());
    if (!a)
    {
        return vpnsim::wire::Status::Fail(a.GetError().code, a.GetError().detail);
    }
    low = high = *a;
    if (range)
    {
        auto b = ParsePort(t.Take());
        if (!b)
        {
            return vpnsim::wire::Status::Fail(b.GetError().code, b.GetError().detail);
        }
        if (*b < *a)
        {
            return vpnsim::wire::Status::Fail(ErrorCode::BadValue,
                                              "access-list: range end is below its start");
        }
        high = *b;
    }
    return vpnsim::wire::Success();
}

} // namespace

R
ParseAsaAccessListEntry(const std::string& text)
{
    Tokens t(text);
    AsaAccessListEntry e;
    std::string proto = t.Take();
    if (proto == "tcp")
    {
        e.protocol = vpnsim::wire::ipproto::Tcp;
    }
    else if (proto == "udp")
    {
        e.protocol = vpnsim::wire::ipproto::Udp;
    }
    else if (proto == "esp")
    {
        e.protocol = vpnsim::wire::ipproto::Esp;
    }
    else if (proto != "ip")
    {
        return R::Fail(ErrorCode::BadValue, Expected("a protocol (ip, tcp, udp or esp)", proto));
    }
    bool ports
        = e.protocol == vpnsim::wire::ipproto::Tcp || e.protocol == vpnsim::wire::ipproto::Udp;
    for (auto step : {0, 1})
    {
        bool source = step == 0;
        auto s = ParseAddress(t, source ? e.sourceAddress : e.destinationAddress,
                              source ? e.sourceMask : e.destinationMask);
        if (s)
        {
            s = ParsePorts(t, ports, source ? e.sourcePortLow : e.destinationPortLow,
                           source ? e.sourcePortHigh : e.destinationPortHigh);
        }
        if (!s)
        {
            return R::Fail(s.GetError().code, s.GetError().detail);
        }
    }
    if (!t.AtEnd())
    {
        return R::Fail(ErrorCode::BadValue, Expected("the end of the line", t.Peek()));
    }
    return e;
}

} // namespace ns3
