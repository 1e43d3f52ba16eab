/*
 * Links between sites: a point-to-point link with its rate, delay and jitter (ns-3's channel
 * and queues, JitterChannel for the jitter) and, per direction, one of vpnsim's loss models, chosen
 * by a short text spec that a command line or a topology file can carry:
 *
 *     none
 *     bernoulli:P                    independent loss, P in [0, 1]
 *     gilbert:loss=L,burst=B         Gilbert burst loss by mean loss L in (0, 1) and mean burst
 *                                    length B >= 1 packets
 *     gilbert:p=P,r=R[,k=K][,h=H]    Gilbert-Elliott by its transition (p good->bad, r bad->good)
 *                                    and per-state loss probabilities (k good, h bad), in [0, 1]
 *     trace:FILE                     drops listed in FILE (TraceErrorModel's format)
 *
 * A bad spec is refused with a message naming the field and its allowed range.
 */
#ifndef VPNSIM_LOSSY_LINK_HELPER_H
#define VPNSIM_LOSSY_LINK_HELPER_H

#include "model/wire/result.h"

#include <ns3/error-model.h>
#include <ns3/net-device-container.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <string>

namespace ns3
{

/// Builds the error model a spec describes; `stream` fixes its random stream (reproducible
/// runs). The error names the spec's field and the allowed range.
vpnsim::wire::Result<Ptr<ErrorModel>> MakeLossModel(const std::string& spec, int64_t stream);

class LossyLinkHelper
{
  public:
    /// "10Mbps" and 10 ms, loss-free, unless set otherwise.
    LossyLinkHelper();

    void SetDataRate(const std::string& rate);
    void SetDelay(Time delay);

    /// Each packet's delay grows by a uniform draw from [0, `jitter`] (order kept; see
    /// JitterChannel). Zero, the default, is ns-3's plain point-to-point channel.
    void SetJitter(Time jitter);

    /// Loss on the way from the first node to the second, and back. Fails on a bad spec.
    vpnsim::wire::Status SetLoss(const std::string& forward, const std::string& backward);

    /// Random streams of the loss models start here (two per installed link).
    void SetFirstStream(int64_t stream);

    /// Connects `a` and `b`; device 0 is a's, device 1 is b's.
    NetDeviceContainer Install(Ptr<Node> a, Ptr<Node> b);

  private:
    std::string m_rate;
    Time m_delay;
    Time m_jitter;
    std::string m_forward{"none"};
    std::string m_backward{"none"};
    int64_t m_stream{0};
};

} // namespace ns3

#endif // VPNSIM_LOSSY_LINK_HELPER_H
