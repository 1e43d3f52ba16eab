#include "model/engine/run-record.h"

#include <nlohmann/json.hpp>

namespace vpnsim
{
namespace engine
{

std::string
ToJson(const RunRecord& r)
{
    nlohmann::ordered_json j;
    j["source"] = r.source;
    j["encap"] = r.encap;
    j["asa"] = r.asa;
    j["loss_model"] = r.lossModel;
    j["loss"] = r.loss;
    j["seed"] = r.seed;
    j["duration_s"] = r.durationS;
    j["failed"] = r.failed;
    j["time_to_failure_s"]
        = r.timeToFailureS ? nlohmann::ordered_json(*r.timeToFailureS) : nlohmann::ordered_json();
    j["cause"] = r.cause ? nlohmann::ordered_json(*r.cause) : nlohmann::ordered_json();
    j["inner_goodput_bps"] = r.innerGoodputBps;
    j["inner_loss"] = r.innerLoss;
    j["inner_sent"] = r.innerSent;
    j["inner_received"] = r.innerReceived;
    j["framing_errors"] = r.framingErrors;
    j["asa_bytes_held"] = r.asaBytesHeld;
    j["asa_drops"] = r.asaDrops;
    j["asa_drops_by_reason"] = r.asaDropsByReason;
    j["parameters"] = r.parameters;
    return j.dump();
}

} // namespace engine
} // namespace vpnsim
