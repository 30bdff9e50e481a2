// sanbao law list | show ID [--as-of DATE]: the law as data, for people.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "output.h"
#include "sanbao/policy/law.h"

namespace sanbao::cli {
namespace {

namespace json = boost::json;

// Columns are padded by characters, not bytes (names are UTF-8).
std::size_t Width(std::string const& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Pad(std::string s, std::size_t width) {
  std::size_t w = Width(s);
  if (w < width) s.append(width - w, ' ');
  return s;
}

std::string Shorten(std::string const& s, std::size_t width) {
  if (Width(s) <= width) return s;
  std::string out;
  std::size_t w = 0;
  for (char c : s) {
    bool starts = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts && ++w > width - 3) break;
    out += c;
  }
  return out + "...";
}

std::string KindText(std::string const& kind) {
  if (kind == "statute_baseline") return "statute (baseline)";
  if (kind == "marketplace_policy") return "marketplace policy";
  return kind;
}

std::string Codes(std::vector<std::string> const& codes, std::size_t shown) {
  std::string out;
  for (std::size_t i = 0; i < codes.size() && i < shown; ++i) {
    out += (i == 0 ? "" : " ") + codes[i];
  }
  if (codes.size() > shown) {
    out += " +" + std::to_string(codes.size() - shown);
  }
  return out;
}

json::value OrNull(std::string const& s) {
  return s.empty() ? json::value(nullptr) : json::value(json::string(s));
}

json::value DateOrNull(std::optional<CivilDate> const& d) {
  return d ? json::value(json::string(FormatCivilDate(*d)))
           : json::value(nullptr);
}

json::array Strings(std::vector<std::string> const& list) {
  json::array out;
  for (auto const& s : list) out.push_back(json::string(s));
  return out;
}

json::object SummaryJson(JurisdictionSummary const& j) {
  return {{"id", j.id},
          {"name", j.name},
          {"kind", j.kind},
          {"parent", OrNull(j.parent)},
          {"applies_to", Strings(j.applies_to)},
          {"calendar", OrNull(j.calendar)},
          {"confidence", j.confidence}};
}

json::object ElementJson(LawElement const& e, bool with_rule) {
  json::object o;
  if (with_rule) o["rule"] = e.rule;
  o["key"] = e.key;
  o["label"] = e.label;
  o["text"] = e.text;
  o["sources"] = Strings(e.sources);
  o["valid_from"] = DateOrNull(e.valid_from);
  o["valid_to"] = DateOrNull(e.valid_to);
  o["confidence"] = e.confidence;
  return o;
}

std::string ValidityText(LawElement const& e) {
  if (!e.valid_from && !e.valid_to) return "";
  std::string out = "(";
  if (e.valid_from) out += "from " + FormatCivilDate(*e.valid_from);
  if (e.valid_from && e.valid_to) out += ", ";
  if (e.valid_to) out += "before " + FormatCivilDate(*e.valid_to);
  return out + ")";
}

// `rule_confidence`: the element's confidence is shown where it differs.
std::string ElementLine(LawElement const& e, std::size_t label_width,
                        std::string const& rule_confidence = {}) {
  std::string line = Pad(e.label, label_width) + "  " + e.text;
  if (auto v = ValidityText(e); !v.empty()) line += "  " + v;
  if (!e.confidence.empty() && e.confidence != rule_confidence) {
    line += "  (confidence " + e.confidence + ")";
  }
  if (!e.sources.empty()) {
    std::string refs;
    for (auto const& s : e.sources) refs += (refs.empty() ? "" : ", ") + s;
    line += "  [" + refs + "]";
  }
  return line;
}

int List(bool as_json) {
  auto list = ListJurisdictions();
  if (!list) return ReportError(list.status());
  if (as_json) {
    json::array out;
    for (auto const& j : *list) out.push_back(SummaryJson(j));
    PrintJson(std::cout, out);
    return kExitOk;
  }
  struct Row {
    std::string id, name, kind, parent, calendar, confidence, applies_to;
  };
  std::vector<Row> rows{
      {"ID", "NAME", "KIND", "PARENT", "CALENDAR", "CONFIDENCE", "APPLIES TO"}};
  for (auto const& j : *list) {
    rows.push_back({j.id, Shorten(j.name, 32), KindText(j.kind),
                    j.parent.empty() ? "-" : j.parent,
                    j.calendar.empty() ? "-" : j.calendar, j.confidence,
                    Codes(j.applies_to, 6)});
  }
  std::vector<std::size_t> width(6, 0);
  for (auto const& r : rows) {
    std::size_t i = 0;
    for (auto const* s :
         {&r.id, &r.name, &r.kind, &r.parent, &r.calendar, &r.confidence}) {
      width[i] = std::max(width[i], Width(*s));
      ++i;
    }
  }
  for (auto const& r : rows) {
    std::cout << Pad(r.id, width[0]) << "  " << Pad(r.name, width[1]) << "  "
              << Pad(r.kind, width[2]) << "  " << Pad(r.parent, width[3])
              << "  " << Pad(r.calendar, width[4]) << "  "
              << Pad(r.confidence, width[5]) << "  " << r.applies_to << "\n";
  }
  std::cout << list->size() << " records\n";
  return kExitOk;
}

struct ShowArgs {
  std::string id;
  std::string as_of;
  bool json = false;
};

int Show(ShowArgs const& args) {
  std::optional<CivilDate> as_of;
  if (!args.as_of.empty()) {
    auto date = ParseCivilDate(args.as_of);
    if (!date)
      return ReportError(date.status().WithMetadata("field", "--as-of"));
    as_of = *date;
  }
  auto view = DescribeJurisdiction(args.id, as_of);
  if (!view) return ReportError(view.status());
  auto const& j = view->jurisdiction;
  if (args.json) {
    json::array rules;
    for (auto const& rule : view->rules) {
      json::array elements;
      for (auto const& e : rule.elements) {
        elements.push_back(ElementJson(e, false));
      }
      rules.push_back(json::object{{"rule", rule.name},
                                   {"sources", Strings(rule.sources)},
                                   {"confidence", rule.confidence},
                                   {"elements", std::move(elements)}});
    }
    json::array left_out;
    for (auto const& e : view->left_out)
      left_out.push_back(ElementJson(e, true));
    json::array sources;
    for (auto const& s : view->sources) {
      sources.push_back(json::object{{"id", s.id},
                                     {"title", s.title},
                                     {"where", s.where},
                                     {"secondary", s.secondary}});
    }
    PrintJson(std::cout, json::object{{"query", view->query},
                                      {"record", j.id},
                                      {"resolution", OrNull(view->resolution)},
                                      {"jurisdiction", SummaryJson(j)},
                                      {"as_of", DateOrNull(view->as_of)},
                                      {"rules", std::move(rules)},
                                      {"left_out", std::move(left_out)},
                                      {"sources", std::move(sources)},
                                      {"notes", Strings(view->notes)}});
    return kExitOk;
  }
  std::cout << j.id << "  " << j.name << "\n";
  auto field = [](std::string const& label, std::string const& value) {
    std::cout << "  " << Pad(label, 11) << " " << value << "\n";
  };
  field("kind",
        KindText(j.kind) + (j.parent.empty() ? "" : ", parent " + j.parent));
  field("applies to", Codes(j.applies_to, 30));
  field("calendar", j.calendar.empty() ? "-" : j.calendar);
  field("confidence", j.confidence);
  if (!view->resolution.empty()) field("record", view->resolution);
  if (view->as_of) {
    field("as of", FormatCivilDate(*view->as_of) +
                       ": what is in force for a contract concluded that day");
  }
  std::size_t label_width = 0;
  for (auto const& rule : view->rules) {
    for (auto const& e : rule.elements) {
      label_width = std::max(label_width, Width(e.label));
    }
  }
  for (auto const& e : view->left_out) {
    label_width = std::max(label_width, Width(e.label));
  }
  for (auto const& rule : view->rules) {
    std::string refs;
    for (auto const& s : rule.sources) refs += (refs.empty() ? "" : ", ") + s;
    std::cout << "\n"
              << rule.name << (refs.empty() ? "" : "  [" + refs + "]")
              << "  (confidence " << rule.confidence << ")\n";
    for (auto const& e : rule.elements) {
      std::cout << "  " << ElementLine(e, label_width, rule.confidence) << "\n";
    }
  }
  if (view->rules.empty()) std::cout << "\nno rules of its own\n";
  if (!view->left_out.empty()) {
    std::cout << "\nleft out, not in force on " << FormatCivilDate(*view->as_of)
              << "\n";
    for (auto const& e : view->left_out) {
      std::cout << "  " << Pad(e.rule, 10) << " " << ElementLine(e, label_width)
                << "\n";
    }
  }
  if (!view->sources.empty()) {
    std::size_t id_width = 0;
    for (auto const& s : view->sources) {
      id_width = std::max(id_width, Width(s.id));
    }
    std::cout << "\nsources\n";
    for (auto const& s : view->sources) {
      std::cout << "  " << Pad(s.id, id_width) << "  " << s.title << "\n"
                << "  " << std::string(id_width, ' ') << "  " << s.where
                << (s.secondary ? "  (secondary: a note, never cited to buyers)"
                                : "")
                << "\n";
    }
  }
  if (!view->notes.empty()) {
    std::cout << "\nnotes\n";
    for (auto const& n : view->notes) std::cout << "  - " << n << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddLawCommands(CLI::App& app, int& exit_code) {
  auto* law = app.add_subcommand(
      "law", "The law as data: jurisdictions, their rules and sources");

  auto* list = law->add_subcommand(
      "list", "List jurisdictions and marketplace policies with calendars");
  auto list_json = std::make_shared<bool>(false);
  list->add_flag("--json", *list_json, "Print JSON");
  list->callback([&exit_code, list_json] { exit_code = List(*list_json); });

  auto s = std::make_shared<ShowArgs>();
  auto* show = law->add_subcommand(
      "show",
      "A jurisdiction's rules with their sources, validity and "
      "confidence");
  show->add_option("jurisdiction", s->id,
                   "Record id or ISO code, e.g. DE, DE-BY, GB, MP-EBAY")
      ->required();
  show->add_option("--as-of", s->as_of,
                   "Only what is in force for a contract concluded on this "
                   "date, YYYY-MM-DD");
  show->add_flag("--json", s->json, "Print JSON");
  show->callback([&exit_code, s] { exit_code = Show(*s); });
}

}  // namespace sanbao::cli
