/*
 * The ISAKMP Notification payload (RFC 2408 3.14) and RFC 3706 dead peer detection: the
 * R-U-THERE / R-U-THERE-ACK notifies that both the Cisco VPN Client and the ASA send.
 */
#ifndef VPNSIM_WIRE_ISAKMP_NOTIFY_H
#define VPNSIM_WIRE_ISAKMP_NOTIFY_H

#include "model/wire/isakmp.h"

#include <array>
#include <cstdint>

namespace vpnsim
{
namespace wire
{

/// IPsec DOI (RFC 2407).
constexpr uint32_t kIpsecDoi = 1;
/// Protocol ID of notifies about the IKE SA itself.
constexpr uint8_t kProtocolIsakmp = 1;

/// RFC 3706 section 5.
constexpr uint16_t kRUThere = 36136;    // 0x8D28
constexpr uint16_t kRUThereAck = 36137; // 0x8D29

/// INITIAL-CONTACT: the sender has no other SA with the receiver (RFC 2407 section 4.6.3.3).
constexpr uint16_t kInitialContact = 24578;

/// The DPD Vendor ID (RFC 3706 section 5.1; version 1.0 in the last two bytes).
constexpr std::array<uint8_t, 16> kDpdVendorId{0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
                                               0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};

/// A Notification payload body.
struct Notification
{
    uint32_t doi{kIpsecDoi};
    uint8_t protocolId{kProtocolIsakmp};
    uint16_t type{0};
    Bytes spi;
    Bytes data;
};

/// One parsed Notification body; views point into the input.
struct NotificationView
{
    uint32_t doi;
    uint8_t protocolId;
    uint16_t type;
    ByteView spi;
    ByteView data;
};

Bytes BuildNotificationBody(const Notification& n);

/// Parses a body: DOI, protocol, SPI size, type, then SPI and data within the bytes.
Result<NotificationView> ParseNotificationBody(ByteView body);

/// A DPD notify (RFC 3706 section 5): protocol ISAKMP, SPI = CKY-I || CKY-R (16 bytes),
/// notification data = the 32-bit sequence number (the ACK echoes it).
IsakmpPayload MakeDpdNotify(bool ack, const IsakmpCookie& initiator, const IsakmpCookie& responder,
                            uint32_t sequence);

/// What a DPD notify says.
struct DpdNotify
{
    bool ack;
    uint32_t sequence;
    IsakmpCookie initiator;
    IsakmpCookie responder;
};

/// Reads a Notification body as a DPD notify; fails for other notify types or shapes.
Result<DpdNotify> ParseDpdNotify(ByteView notificationBody);

/// A Vendor ID payload.
IsakmpPayload MakeVendorId(ByteView id);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ISAKMP_NOTIFY_H
