// Fuzzes ISAKMP messages, payload chains (cleartext and decrypted), notifies, DPD and the
// SA payload (proposal and transforms).
#include "model/wire/isakmp-cipher.h"
#include "model/wire/isakmp-notify.h"
#include "model/wire/isakmp-sa.h"
#include "model/wire/isakmp.h"

#include <cstdlib>
#include <utility>

using namespace vpnsim::wire;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static IsakmpCipher cipher = std::move(IsakmpCipher::Create(Bytes(16, 0x5c)).Value());
    ByteView in(data, size);
    auto m = ParseIsakmpMessage(in);
    if (!m)
    {
        return 0;
    }
    for (const auto& p : m->payloads)
    {
        if (p.body.data() < data || p.body.data() + p.body.size() > data + size)
        {
            std::abort();
        }
        (void)ParseNotificationBody(p.body);
        (void)ParseDpdNotify(p.body);
        (void)ParseEspProposalSpi(p.body);
        auto sa = ParseSaBody(p.body);
        if (sa && BuildSaBody(*sa).size() > p.body.size())
        {
            std::abort(); // what was read cannot need more bytes to write
        }
    }
    if (!m->encryptedBody.empty())
    {
        auto clear = cipher.Decrypt(m->encryptedBody, m->header.messageId);
        if (clear)
        {
            auto chain = ParseIsakmpPayloadChain(m->header.nextPayload, clear.Value(), true);
            if (chain)
            {
                for (const auto& p : chain.Value())
                {
                    (void)ParseDpdNotify(p.body);
                    (void)ParseEspProposalSpi(p.body);
                }
            }
        }
    }
    return 0;
}
