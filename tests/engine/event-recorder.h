/*
 * Records what a tunnel reports to its TunnelObserver (drops and liveness events, with the
 * time), for tests that check the reports rather than the packets.
 */
#ifndef VPNSIM_TESTS_ENGINE_EVENT_RECORDER_H
#define VPNSIM_TESTS_ENGINE_EVENT_RECORDER_H

#include "model/engine/host.h"
#include "model/engine/tunnel-events.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace vpnsim
{
namespace test
{

class EventRecorder
{
  public:
    struct Drop
    {
        engine::DropReason reason;
        wire::Bytes packet;
    };

    /// Records with times from `clock`.
    explicit EventRecorder(const engine::Host& clock)
        : m_clock(clock)
    {
    }

    /// An observer that records into this.
    engine::TunnelObserver Observer()
    {
        return engine::TunnelObserver{
            [this](engine::DropReason r, wire::ByteView p, const std::string&)
            {
                drops.push_back(Drop{r, wire::Bytes(p.begin(), p.end())});
            },
            [this](engine::LivenessEvent e)
            {
                liveness.emplace_back(m_clock.Now(), e);
            }};
    }

    size_t Count(engine::DropReason reason) const
    {
        return std::count_if(drops.begin(), drops.end(),
                             [reason](const Drop& d)
                             {
                                 return d.reason == reason;
                             });
    }

    size_t Count(engine::LivenessEvent event) const
    {
        return std::count_if(liveness.begin(), liveness.end(),
                             [event](const auto& l)
                             {
                                 return l.second == event;
                             });
    }

    /// When `event` was reported, in order.
    std::vector<engine::Nanos> TimesOf(engine::LivenessEvent event) const
    {
        std::vector<engine::Nanos> t;
        for (const auto& l : liveness)
        {
            if (l.second == event)
            {
                t.push_back(l.first);
            }
        }
        return t;
    }

    std::vector<Drop> drops;
    std::vector<std::pair<engine::Nanos, engine::LivenessEvent>> liveness;

  private:
    const engine::Host& m_clock;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_EVENT_RECORDER_H
