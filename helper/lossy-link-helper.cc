#include "helper/lossy-link-helper.h"

#include "model/gilbert-elliott-error-model.h"
#include "model/wire/input-file.h"
#include "model/jitter-channel.h"
#include "model/trace-error-model.h"

#include <charconv>
#include <cmath>
#include <map>
#include <ns3/double.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/mac48-address.h>
#include <ns3/net-device-queue-interface.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/pointer.h>
#include <ns3/string.h>
#include <sstream>

namespace ns3
{

using vpnsim::wire::ErrorCode;
using ModelResult = vpnsim::wire::Result<Ptr<ErrorModel>>;

namespace
{

ModelResult
Refuse(const std::string& spec, const std::string& why)
{
    return ModelResult::Fail(ErrorCode::BadValue, "loss model '" + vpnsim::wire::QuoteInput(spec) + "': " + why);
}

/// Parses a probability-like number; false if it is not a finite number. std::from_chars, not
/// std::stod: no exception, no locale, no leading blanks, and a subnormal reads as its value.
bool
ParseNumber(const std::string& text, double& value)
{
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end && std::isfinite(value);
}

/// "a=1,b=2" into a map; false on a malformed item.
bool
ParseParameters(const std::string& text, std::map<std::string, std::string>& out)
{
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
    {
        size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
        {
            return false;
        }
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return true;
}

ModelResult
MakeGilbert(const std::string& spec, const std::string& args, int64_t stream)
{
    std::map<std::string, std::string> params;
    if (!ParseParameters(args, params))
    {
        return Refuse(spec, "expected name=value pairs separated by commas");
    }
    std::map<std::string, double> values;
    for (const auto& [name, text] : params)
    {
        if (name != "loss" && name != "burst" && name != "p" && name != "r" && name != "k"
            && name != "h")
        {
            return Refuse(spec, "unknown field '" + vpnsim::wire::QuoteInput(name) + "' (loss, burst, p, r, k, h)");
        }
        if (!ParseNumber(text, values[name]))
        {
            return Refuse(spec, "field '" + vpnsim::wire::QuoteInput(name) + "' is not a number: '" + vpnsim::wire::QuoteInput(text) + "'");
        }
    }
    Ptr<GilbertElliottErrorModel> model = CreateObject<GilbertElliottErrorModel>();
    if (values.count("loss") || values.count("burst"))
    {
        if (!values.count("loss") || !values.count("burst") || values.size() != 2)
        {
            return Refuse(spec, "give either loss and burst, or p and r (with optional k, h)");
        }
        std::string error
            = GilbertElliottErrorModel::ValidateMeanLossAndBurst(values["loss"], values["burst"]);
        if (!error.empty())
        {
            return Refuse(spec, error);
        }
        model->SetMeanLossAndBurst(values["loss"], values["burst"]);
    }
    else
    {
        if (!values.count("p") || !values.count("r"))
        {
            return Refuse(spec, "give either loss and burst, or p and r (with optional k, h)");
        }
        for (const auto& [name, value] : values)
        {
            if (value < 0 || value > 1)
            {
                return Refuse(spec, "field '" + name + "' must be in [0, 1], got " + vpnsim::wire::QuoteInput(params[name]));
            }
        }
        model->SetAttribute("GoodToBad", DoubleValue(values["p"]));
        model->SetAttribute("BadToGood", DoubleValue(values["r"]));
        model->SetAttribute("GoodLossProbability",
                            DoubleValue(values.count("k") ? values["k"] : 0));
        model->SetAttribute("BadLossProbability", DoubleValue(values.count("h") ? values["h"] : 1));
    }
    model->AssignStreams(stream);
    return Ptr<ErrorModel>(model);
}

} // namespace

ModelResult
MakeLossModel(const std::string& spec, int64_t stream)
{
    size_t colon = spec.find(':');
    std::string kind = spec.substr(0, colon);
    std::string args = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (kind == "none" && colon == std::string::npos)
    {
        return Ptr<ErrorModel>(nullptr);
    }
    if (kind == "bernoulli")
    {
        double p = 0;
        if (!ParseNumber(args, p) || p < 0 || p > 1)
        {
            return Refuse(spec, "loss probability must be a number in [0, 1], got '" + vpnsim::wire::QuoteInput(args) + "'");
        }
        Ptr<RateErrorModel> model = CreateObject<RateErrorModel>();
        model->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        model->SetAttribute("ErrorRate", DoubleValue(p));
        model->AssignStreams(stream);
        return Ptr<ErrorModel>(model);
    }
    if (kind == "gilbert")
    {
        return MakeGilbert(spec, args, stream);
    }
    if (kind == "trace")
    {
        if (args.empty())
        {
            return Refuse(spec, "trace needs a file name: trace:FILE");
        }
        Ptr<TraceErrorModel> model = CreateObject<TraceErrorModel>();
        std::string error = model->LoadFile(args);
        if (!error.empty())
        {
            return Refuse(spec, error);
        }
        return Ptr<ErrorModel>(model);
    }
    return Refuse(spec, "kind must be none, bernoulli:P, gilbert:... or trace:FILE");
}

LossyLinkHelper::LossyLinkHelper()
    : m_rate("10Mbps")
    , m_delay(MilliSeconds(10))
{
}

void
LossyLinkHelper::SetDataRate(const std::string& rate)
{
    m_rate = rate;
}

void
LossyLinkHelper::SetDelay(Time delay)
{
    m_delay = delay;
}

void
LossyLinkHelper::SetJitter(Time jitter)
{
    m_jitter = jitter;
}

vpnsim::wire::Status
LossyLinkHelper::SetLoss(const std::string& forward, const std::string& backward)
{
    for (const auto& spec : {forward, backward})
    {
        auto model = MakeLossModel(spec, 0);
        if (!model)
        {
            return model.GetError();
        }
    }
    m_forward = forward;
    m_backward = backward;
    return vpnsim::wire::Success();
}

void
LossyLinkHelper::SetFirstStream(int64_t stream)
{
    m_stream = stream;
}

NetDeviceContainer
LossyLinkHelper::Install(Ptr<Node> a, Ptr<Node> b)
{
    NetDeviceContainer devices;
    if (m_jitter.IsStrictlyPositive())
    {
        // PointToPointHelper always makes its own channel type; build the pair by hand, the
        // way it does, around a JitterChannel.
        Ptr<JitterChannel> channel = CreateObject<JitterChannel>();
        channel->SetAttribute("Delay", TimeValue(m_delay));
        Ptr<UniformRandomVariable> jitter = CreateObject<UniformRandomVariable>();
        jitter->SetAttribute("Max", DoubleValue(m_jitter.GetSeconds()));
        channel->SetAttribute("Jitter", PointerValue(jitter));
        channel->AssignStreams(m_stream++);
        for (Ptr<Node> node : {a, b})
        {
            Ptr<PointToPointNetDevice> device = CreateObject<PointToPointNetDevice>();
            device->SetAddress(Mac48Address::Allocate());
            device->SetAttribute("DataRate", StringValue(m_rate));
            node->AddDevice(device);
            device->SetQueue(CreateObject<DropTailQueue<Packet>>());
            Ptr<NetDeviceQueueInterface> queueInterface = CreateObject<NetDeviceQueueInterface>();
            queueInterface->GetTxQueue(0)->ConnectQueueTraces(device->GetQueue());
            device->AggregateObject(queueInterface);
            device->Attach(channel);
            devices.Add(device);
        }
    }
    else
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(m_rate));
        p2p.SetChannelAttribute("Delay", TimeValue(m_delay));
        devices = p2p.Install(a, b);
    }
    // Loss on the way a -> b happens as b receives, and the other way round.
    const std::string* specs[] = {&m_backward, &m_forward};
    for (uint32_t i = 0; i < 2; ++i)
    {
        Ptr<ErrorModel> model = *MakeLossModel(*specs[i], m_stream++);
        if (model)
        {
            devices.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(model));
        }
    }
    return devices;
}

} // namespace ns3
