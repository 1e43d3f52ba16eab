#include "model/wire/isakmp-sa.h"

#include "model/wire/isakmp-notify.h"

#include <string>

namespace vpnsim
{
namespace wire
{

namespace
{

/// DOI and situation ahead of the proposals (RFC 2408 section 3.4).
constexpr size_t kDoiAndSituation = 8;
/// Proposal number, protocol ID, SPI size, number of transforms (RFC 2408 section 3.5).
constexpr size_t kProposalFixed = 4;
/// Transform number, transform ID, two reserved bytes (RFC 2408 section 3.6).
constexpr size_t kTransformFixed = 4;
/// The attribute format bit: set, the attribute is type/value with a two-byte value (RFC 2408
/// section 3.3).
constexpr uint16_t kAttributeFormatTv = 0x8000;
constexpr size_t kBasicAttributeLength = 4;

/// The first proposal of a SA body, with its fixed fields checked against the bytes.
Result<ByteView>
FirstProposal(ByteView sa)
{
    using R = Result<ByteView>;
    if (sa.size() < kDoiAndSituation)
    {
        return R::Fail(ErrorCode::Truncated, "isakmp sa: shorter than DOI and situation");
    }
    auto proposals
        = ParseIsakmpPayloadChain(isakmppayload::Proposal, sa.subspan(kDoiAndSituation), false);
    if (!proposals)
    {
        return proposals.GetError();
    }
    ByteView p = proposals->front().body;
    if (p.size() < kProposalFixed)
    {
        return R::Fail(ErrorCode::Truncated, "isakmp sa: proposal shorter than 4 bytes");
    }
    return p;
}

Result<IsakmpTransform>
ParseTransformBody(ByteView body)
{
    using R = Result<IsakmpTransform>;
    if (body.size() < kTransformFixed)
    {
        return R::Fail(ErrorCode::Truncated, "isakmp sa: transform shorter than 4 bytes");
    }
    IsakmpTransform t;
    t.number = body[0];
    t.id = body[1];
    ByteView attributes = body.subspan(kTransformFixed);
    if (attributes.size() % kBasicAttributeLength != 0)
    {
        return R::Fail(ErrorCode::BadLength, "isakmp sa: transform " + std::to_string(t.number)
                                                 + " attributes are not whole basic attributes");
    }
    for (size_t pos = 0; pos < attributes.size(); pos += kBasicAttributeLength)
    {
        uint16_t type = GetU16(&attributes[pos]);
        if (!(type & kAttributeFormatTv))
        {
            return R::Fail(ErrorCode::Unsupported, "isakmp sa: transform "
                                                       + std::to_string(t.number)
                                                       + " has a variable-length attribute");
        }
        t.attributes.push_back(
            {static_cast<uint16_t>(type & ~kAttributeFormatTv), GetU16(&attributes[pos + 2])});
    }
    return t;
}

} // namespace

Bytes
BuildTransformBody(const IsakmpTransform& transform)
{
    Bytes b;
    ByteWriter w(b);
    w.U8(transform.number);
    w.U8(transform.id);
    w.U16(0);
    for (const auto& a : transform.attributes)
    {
        w.U16(static_cast<uint16_t>(kAttributeFormatTv | a.type));
        w.U16(a.value);
    }
    return b;
}

Bytes
BuildSaBody(const IsakmpProposal& proposal)
{
    std::vector<IsakmpPayload> chain;
    for (const auto& t : proposal.transforms)
    {
        chain.push_back({isakmppayload::Transform, BuildTransformBody(t)});
    }
    Bytes body;
    ByteWriter p(body);
    p.U8(proposal.number);
    p.U8(proposal.protocol);
    p.U8(static_cast<uint8_t>(proposal.spi.size()));
    p.U8(static_cast<uint8_t>(proposal.transforms.size()));
    p.Append(proposal.spi);
    p.Append(BuildIsakmpPayloadChain(chain));

    Bytes sa;
    ByteWriter w(sa);
    w.U32(kIpsecDoi);
    w.U32(kSituationIdentityOnly);
    w.Append(BuildIsakmpPayloadChain({{isakmppayload::Proposal, body}}));
    return sa;
}

Result<IsakmpProposal>
ParseSaBody(ByteView sa)
{
    using R = Result<IsakmpProposal>;
    auto p = FirstProposal(sa);
    if (!p)
    {
        return p.GetError();
    }
    if (GetU32(&sa[0]) != kIpsecDoi || GetU32(&sa[4]) != kSituationIdentityOnly)
    {
        return R::Fail(ErrorCode::Unsupported, "isakmp sa: DOI " + std::to_string(GetU32(&sa[0]))
                                                   + " situation " + std::to_string(GetU32(&sa[4]))
                                                   + ", not IPsec identity-only (1, 1)");
    }
    ByteView body = *p;
    IsakmpProposal out;
    out.number = body[0];
    out.protocol = body[1];
    size_t spiSize = body[2];
    if (body.size() < kProposalFixed + spiSize)
    {
        return R::Fail(ErrorCode::Truncated, "isakmp sa: SPI runs past the proposal");
    }
    out.spi.assign(body.begin() + kProposalFixed, body.begin() + kProposalFixed + spiSize);
    auto transforms = ParseIsakmpPayloadChain(isakmppayload::Transform,
                                              body.subspan(kProposalFixed + spiSize), false);
    if (!transforms)
    {
        return transforms.GetError();
    }
    if (transforms->size() != body[3])
    {
        return R::Fail(ErrorCode::BadValue, "isakmp sa: proposal says " + std::to_string(body[3])
                                                + " transforms but carries "
                                                + std::to_string(transforms->size()));
    }
    for (const auto& t : *transforms)
    {
        auto transform = ParseTransformBody(t.body);
        if (!transform)
        {
            return transform.GetError();
        }
        out.transforms.push_back(std::move(transform.Value()));
    }
    return out;
}

Result<uint32_t>
ParseEspProposalSpi(ByteView sa)
{
    using R = Result<uint32_t>;
    auto proposal = FirstProposal(sa);
    if (!proposal)
    {
        return proposal.GetError();
    }
    ByteView p = *proposal;
    if (p[1] != ipsecprotocol::Esp)
    {
        return R::Fail(ErrorCode::Unsupported,
                       "isakmp sa: proposal protocol " + std::to_string(p[1]) + ", not ESP (3)");
    }
    if (p[2] != 4 || p.size() < kProposalFixed + 4)
    {
        return R::Fail(ErrorCode::BadLength,
                       "isakmp sa: ESP SPI of " + std::to_string(p[2]) + " bytes, not 4");
    }
    return GetU32(&p[kProposalFixed]);
}

} // namespace wire
} // namespace vpnsim
