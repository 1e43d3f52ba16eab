#include "model/engine/run-record.h"

#include <nlohmann/json.hpp>
#include <type_traits>

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
    j["established"] = r.established;
    j["tunnel_up_s"] = r.tunnelUpS ? nlohmann::ordered_json(*r.tunnelUpS) : nlohmann::ordered_json();
    j["failed"] = r.failed;
    j["time_to_failure_s"]
        = r.timeToFailureS ? nlohmann::ordered_json(*r.timeToFailureS) : nlohmann::ordered_json();
    j["cause"] = r.cause ? nlohmann::ordered_json(*r.cause) : nlohmann::ordered_json();
    j["inner_goodput_bps"] = r.innerGoodputBps;
    j["inner_loss"] = r.innerLoss;
    j["inner_sent"] = r.innerSent;
    j["inner_received"] = r.innerReceived;
    j["framing_errors"] = r.framingErrors;
    j["ike_rekeys"] = r.ikeRekeys;
    j["ipsec_rekeys"] = r.ipsecRekeys;
    j["asa_bytes_held"] = r.asaBytesHeld;
    j["asa_drops"] = r.asaDrops;
    j["asa_drops_by_reason"] = r.asaDropsByReason;
    j["parameters"] = r.parameters;
    return j.dump();
}

std::optional<RunRecord>
FromJson(const std::string& json)
{
    try
    {
        auto j = nlohmann::json::parse(json);
        RunRecord r;
        auto optional = [&j](const char* key, auto& field)
        {
            if (!j.at(key).is_null())
            {
                field = j.at(key).get<typename std::decay_t<decltype(field)>::value_type>();
            }
        };
        j.at("source").get_to(r.source);
        j.at("encap").get_to(r.encap);
        j.at("asa").get_to(r.asa);
        j.at("loss_model").get_to(r.lossModel);
        j.at("loss").get_to(r.loss);
        j.at("seed").get_to(r.seed);
        j.at("duration_s").get_to(r.durationS);
        j.at("established").get_to(r.established);
        optional("tunnel_up_s", r.tunnelUpS);
        j.at("failed").get_to(r.failed);
        optional("time_to_failure_s", r.timeToFailureS);
        optional("cause", r.cause);
        j.at("inner_goodput_bps").get_to(r.innerGoodputBps);
        j.at("inner_loss").get_to(r.innerLoss);
        j.at("inner_sent").get_to(r.innerSent);
        j.at("inner_received").get_to(r.innerReceived);
        j.at("framing_errors").get_to(r.framingErrors);
        j.at("ike_rekeys").get_to(r.ikeRekeys);
        j.at("ipsec_rekeys").get_to(r.ipsecRekeys);
        j.at("asa_bytes_held").get_to(r.asaBytesHeld);
        j.at("asa_drops").get_to(r.asaDrops);
        j.at("asa_drops_by_reason").get_to(r.asaDropsByReason);
        j.at("parameters").get_to(r.parameters);
        return r;
    }
    catch (const nlohmann::json::exception&)
    {
        return std::nullopt;
    }
}

} // namespace engine
} // namespace vpnsim
