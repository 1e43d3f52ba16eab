-- vpnsim-cstp.lua: shows AnyConnect CSTP packets. Two dissectors:
--
-- cstp: CSTP in the decrypted application data of a real TLS connection, as vpnsim's AnyConnect
-- tunnels (model/engine/anyconnect-tunnel.h), openconnect and ocserv write it. The application
-- data begins with the HTTP login and CONNECT exchange, whose start lines and header fields are
-- shown; from "STF" 0x01 on each CSTP packet is shown and DATA payloads go to the IP dissector. Wireshark
-- decrypts TLS with the key log a run writes (vpnsim-run --pcap: PREFIX-tls-keys.log):
--
--   tshark -X lua_script:wireshark/vpnsim-cstp.lua -o tls.keylog_file:PREFIX-tls-keys.log \
--     --disable-heuristic http_tls -d tls.port==443,cstp -r PREFIX-client-1.pcap
--
-- (The HTTP dissector's heuristic for TLS would otherwise claim the connection at the first
-- POST and keep it.)
--
-- vpnsim_cstp: CSTP in TLS 1.2 record framing with the plaintext in the clear between an 8-byte
-- explicit nonce and a 16-byte tag (model/wire/tls-record.h), for captures made with that
-- framing by hand:
--
--   tshark -X lua_script:wireshark/vpnsim-cstp.lua -d tcp.port==443,vpnsim_cstp -r file.pcap
--
-- Use Wireshark 4.0 or later (Lua is on in Debian's build, also for root). In the GUI load it
-- with the same -X option (or copy it into the personal plugins folder), then Analyze > Decode
-- As... Neither is bound to port 443 by default: other TLS on 443 would be misread.

local proto = Proto("vpnsim_cstp", "AnyConnect CSTP in vpnsim TLS framing")

-- TLS 1.2 record layer (RFC 5246 section 6.2.1) and the AES-128-GCM sizes the model uses
-- (RFC 5288 section 3).
local TLS_HEADER_LENGTH = 5
local TLS_APPLICATION_DATA = 0x17
local TLS_VERSION_12 = 0x0303
local NONCE_LENGTH = 8
local TAG_LENGTH = 16

-- CSTP header: "STF" 0x01, payload length (16 bits, header not included), type, a zero byte.
local CSTP_HEADER_LENGTH = 8
local CSTP_MAGIC = 0x53544601
local CSTP_DATA = 0x00

-- The smallest record: nonce + CSTP header with no payload + tag.
local MIN_RECORD_BODY = NONCE_LENGTH + CSTP_HEADER_LENGTH + TAG_LENGTH

-- The packet types model/wire/cstp.h knows (openconnect's AC_PKT_* values).
local cstp_types = {
    [0x00] = "DATA",
    [0x03] = "DPD request",
    [0x04] = "DPD response",
    [0x05] = "DISCONNECT",
    [0x07] = "KEEPALIVE",
    [0x08] = "COMPRESSED",
    [0x09] = "TERMINATE",
}

local f = {
    tls_length = ProtoField.uint16("vpnsim_cstp.tls_length", "TLS record length", base.DEC),
    nonce = ProtoField.bytes("vpnsim_cstp.nonce", "Explicit nonce"),
    magic = ProtoField.uint32("vpnsim_cstp.magic", "CSTP magic", base.HEX),
    length = ProtoField.uint16("vpnsim_cstp.length", "CSTP payload length", base.DEC),
    type = ProtoField.uint8("vpnsim_cstp.type", "CSTP type", base.HEX, cstp_types),
    reserved = ProtoField.uint8("vpnsim_cstp.reserved", "Reserved", base.HEX),
    payload = ProtoField.bytes("vpnsim_cstp.payload", "CSTP payload"),
    tag = ProtoField.bytes("vpnsim_cstp.tag", "Tag"),
}
proto.fields = { f.tls_length, f.nonce, f.magic, f.length, f.type, f.reserved, f.payload, f.tag }

-- Everything the model's own parsers reject is flagged, so a capture that tshark shows without
-- experts is one the model would also accept.
local e = {
    not_tls = ProtoExpert.new("vpnsim_cstp.not_tls", "Not a TLS 1.2 application-data record",
        expert.group.MALFORMED, expert.severity.ERROR),
    short_record = ProtoExpert.new("vpnsim_cstp.short_record",
        "TLS record too short for nonce, CSTP header and tag",
        expert.group.MALFORMED, expert.severity.ERROR),
    bad_magic = ProtoExpert.new("vpnsim_cstp.bad_magic", "CSTP magic is not \"STF\" 0x01",
        expert.group.MALFORMED, expert.severity.ERROR),
    bad_length = ProtoExpert.new("vpnsim_cstp.bad_length",
        "CSTP length does not match the TLS record length",
        expert.group.MALFORMED, expert.severity.ERROR),
    bad_reserved = ProtoExpert.new("vpnsim_cstp.bad_reserved", "CSTP reserved byte is not zero",
        expert.group.MALFORMED, expert.severity.WARN),
    unknown_type = ProtoExpert.new("vpnsim_cstp.unknown_type", "Unknown CSTP type",
        expert.group.MALFORMED, expert.severity.WARN),
    truncated = ProtoExpert.new("vpnsim_cstp.truncated",
        "Record continues in a later segment but TCP reassembly is off",
        expert.group.REASSEMBLE, expert.severity.WARN),
}
proto.experts = { e.not_tls, e.short_record, e.bad_magic, e.bad_length, e.bad_reserved,
    e.unknown_type, e.truncated }

local ip_dissector = Dissector.get("ip")
local ipv6_dissector = Dissector.get("ipv6")

local function is_tls_header(tvb, offset)
    return tvb(offset, 1):uint() == TLS_APPLICATION_DATA
        and tvb(offset + 1, 2):uint() == TLS_VERSION_12
end

-- The type and reserved bytes of the CSTP packet at `cstp` and its payload (DATA to the IP
-- dissector), under `t` with the dissector's own `fields` and `experts`; returns the type's
-- name for the Info column.
local function dissect_type_and_payload(tvb, pinfo, tree, t, cstp, payload_length, fields, experts)
    local type_value = tvb(cstp + 6, 1):uint()
    local type_item = t:add(fields.type, tvb(cstp + 6, 1))
    local name = cstp_types[type_value]
    if name == nil then
        type_item:add_proto_expert_info(experts.unknown_type)
        name = string.format("type 0x%02x", type_value)
    end
    local reserved_item = t:add(fields.reserved, tvb(cstp + 7, 1))
    if tvb(cstp + 7, 1):uint() ~= 0 then
        reserved_item:add_proto_expert_info(experts.bad_reserved)
    end
    t:append_text(", " .. name)
    if payload_length > 0 then
        local range = tvb(cstp + CSTP_HEADER_LENGTH, payload_length)
        if type_value == CSTP_DATA then
            -- DATA carries one tunnelled IP packet; its version nibble picks the dissector.
            local version = bit.rshift(range(0, 1):uint(), 4)
            if version == 6 then
                ipv6_dissector:call(range:tvb(), pinfo, tree)
            else
                ip_dissector:call(range:tvb(), pinfo, tree)
            end
        else
            t:add(fields.payload, range)
        end
    end
    return name
end

-- Dissects one whole record (header included) at `offset`; returns the CSTP type name for the
-- Info column.
-- The inner IP dissector has rewritten the columns; put the CSTP view back. When TCP calls
-- again in the same frame (a reassembled record, then the records after it) it fences the Info
-- column first: clearing leaves the text of the earlier call, which this call's names follow.
local function show_cstp_columns(pinfo, names)
    if #names == 0 then
        return
    end
    pinfo.cols.protocol = "CSTP"
    pinfo.cols.info:clear()
    local earlier = tostring(pinfo.cols.info)
    local separator = (earlier ~= "" and earlier ~= "(nil)") and ", " or ""
    pinfo.cols.info:append(separator .. table.concat(names, ", "))
end

local function dissect_record(tvb, pinfo, tree, offset, record_length)
    local body_length = record_length - TLS_HEADER_LENGTH
    local rtree = tree:add(proto, tvb(offset, record_length))
    rtree:add(f.tls_length, tvb(offset + 3, 2))
    local body = offset + TLS_HEADER_LENGTH
    if body_length < MIN_RECORD_BODY then
        rtree:add_proto_expert_info(e.short_record)
        return "malformed"
    end
    rtree:add(f.nonce, tvb(body, NONCE_LENGTH))

    local cstp = body + NONCE_LENGTH
    local payload_length = body_length - MIN_RECORD_BODY
    local magic_item = rtree:add(f.magic, tvb(cstp, 4))
    if tvb(cstp, 4):uint() ~= CSTP_MAGIC then
        magic_item:add_proto_expert_info(e.bad_magic)
    end
    local length_item = rtree:add(f.length, tvb(cstp + 4, 2))
    if tvb(cstp + 4, 2):uint() ~= payload_length then
        length_item:add_proto_expert_info(e.bad_length)
    end
    local name = dissect_type_and_payload(tvb, pinfo, tree, rtree, cstp, payload_length, f, e)
    local payload = cstp + CSTP_HEADER_LENGTH
    rtree:add(f.tag, tvb(payload + payload_length, TAG_LENGTH))
    return name
end

-- TCP hands over whatever bytes it has: several records, a record's head or a reassembled
-- record followed by more. Whole records are dissected; for an incomplete one TCP is asked for
-- exactly the bytes missing (or one more segment when even the length is not there yet).
function proto.dissector(tvb, pinfo, tree)
    local total = tvb:len()
    local offset = 0
    local names = {}
    while offset < total do
        local remaining = total - offset
        if remaining >= 3 and not is_tls_header(tvb, offset) then
            if offset == 0 then
                return 0 -- not ours: let TCP show it as data
            end
            tree:add(proto, tvb(offset)):add_proto_expert_info(e.not_tls)
            offset = total
            break
        end
        local needed
        if remaining < TLS_HEADER_LENGTH then
            needed = DESEGMENT_ONE_MORE_SEGMENT
        else
            local record_length = TLS_HEADER_LENGTH + tvb(offset + 3, 2):uint()
            if remaining >= record_length then
                names[#names + 1] = dissect_record(tvb, pinfo, tree, offset, record_length)
                offset = offset + record_length
            else
                needed = record_length - remaining
            end
        end
        if needed ~= nil then
            if pinfo.can_desegment > 0 then
                pinfo.desegment_offset = offset
                pinfo.desegment_len = needed
            else
                tree:add(proto, tvb(offset)):add_proto_expert_info(e.truncated)
            end
            offset = total
            break
        end
    end
    show_cstp_columns(pinfo, names)
    return offset
end

-- Offered in Decode As (and to -d) only; see the header for why not on port 443 by default.
DissectorTable.get("tcp.port"):add_for_decode_as(proto)

-- CSTP in decrypted TLS application data.

local cstp = Proto("cstp", "AnyConnect CSTP")
local cf = {
    magic = ProtoField.uint32("cstp.magic", "Magic", base.HEX),
    length = ProtoField.uint16("cstp.length", "Payload length", base.DEC),
    type = ProtoField.uint8("cstp.type", "Type", base.HEX, cstp_types),
    reserved = ProtoField.uint8("cstp.reserved", "Reserved", base.HEX),
    payload = ProtoField.bytes("cstp.payload", "Payload"),
    http_line = ProtoField.string("cstp.http.start_line", "HTTP start line"),
    http_header = ProtoField.string("cstp.http.header", "HTTP header field"),
}
cstp.fields = { cf.magic, cf.length, cf.type, cf.reserved, cf.payload, cf.http_line,
    cf.http_header }
local ce = {
    bad_reserved = ProtoExpert.new("cstp.bad_reserved", "CSTP reserved byte is not zero",
        expert.group.MALFORMED, expert.severity.WARN),
    unknown_type = ProtoExpert.new("cstp.unknown_type", "Unknown CSTP type",
        expert.group.MALFORMED, expert.severity.WARN),
}
cstp.experts = { ce.bad_reserved, ce.unknown_type }

-- The login and tunnel request before CSTP: the start line and header fields of each HTTP
-- message. Wireshark's HTTP dissector is not called: after CONNECT it would keep the rest of
-- the connection as its own tunnel data.
local function dissect_http(tvb, pinfo, tree)
    local text = tvb:raw()
    local t = tree:add(cstp, tvb(), "AnyConnect HTTP exchange")
    local first = nil
    local offset = 0
    for line in string.gmatch(text, "([^\r\n]*)\r\n") do
        if line == "" then
            break
        end
        local range = tvb(offset, #line)
        if first == nil then
            first = line
            t:add(cf.http_line, range)
        else
            t:add(cf.http_header, range)
        end
        offset = offset + #line + 2
    end
    pinfo.cols.protocol = "CSTP"
    pinfo.cols.info = first or "HTTP body"
    return tvb:len()
end

-- TLS hands over the plaintext of one record (with what an earlier record left, when this
-- dissector asked for more). Before the first "STF" 0x01 it is the HTTP exchange.
function cstp.dissector(tvb, pinfo, tree)
    local total = tvb:len()
    if total < 4 or tvb(0, 4):uint() ~= CSTP_MAGIC then
        return dissect_http(tvb, pinfo, tree)
    end
    local offset = 0
    local names = {}
    while offset < total do
        local remaining = total - offset
        if remaining < CSTP_HEADER_LENGTH then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
            break
        end
        local payload_length = tvb(offset + 4, 2):uint()
        local length = CSTP_HEADER_LENGTH + payload_length
        if remaining < length then
            pinfo.desegment_offset = offset
            pinfo.desegment_len = length - remaining
            break
        end
        local t = tree:add(cstp, tvb(offset, length))
        t:add(cf.magic, tvb(offset, 4))
        t:add(cf.length, tvb(offset + 4, 2))
        local name = dissect_type_and_payload(tvb, pinfo, tree, t, offset, payload_length, cf, ce)
        names[#names + 1] = name
        offset = offset + length
    end
    show_cstp_columns(pinfo, names)
    return total
end

DissectorTable.get("tls.port"):add_for_decode_as(cstp)
