#include "dbctl/engine/schema.hpp"

#include "dbctl/util/error.hpp"
#include "dbctl/util/hash.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

namespace dbctl::engine {

namespace {

constexpr std::array<const char*, 11> k_kind_names{"type",       "sequence", "function", "procedure",
                                                   "table",      "column",   "constraint", "foreign key",
                                                   "index",      "view",     "trigger"};

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '\\': out += "\\\\"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default: out += c;
    }
  }
  return out;
}

std::string unescape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char next = text[++i];
    out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == '\t') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string label(const SchemaObject& object) {
  std::string name = object.table.empty() ? object.name : object.table + "." + object.name;
  return to_string(object.kind) + " " + name;
}

using Key = std::tuple<ObjectKind, std::string, std::string>;

std::map<Key, const SchemaObject*> by_key(const SchemaModel& model) {
  std::map<Key, const SchemaObject*> out;
  for (const auto& object : model.objects) {
    out.emplace(Key{object.kind, object.table, object.name}, &object);
  }
  return out;
}

// Views in an order where each comes after the views its definition names (a view naming
// another must be created after it); the model's order otherwise.
std::vector<const SchemaObject*> views_in_order(const SchemaModel& model) {
  std::vector<const SchemaObject*> views;
  for (const auto& object : model.objects) {
    if (object.kind == ObjectKind::view) {
      views.push_back(&object);
    }
  }
  std::vector<const SchemaObject*> out;
  std::set<const SchemaObject*> placed;
  while (out.size() < views.size()) {
    std::size_t before = out.size();
    for (const auto* view : views) {
      if (placed.count(view) != 0) {
        continue;
      }
      bool ready = std::none_of(views.begin(), views.end(), [&](const SchemaObject* other) {
        return other != view && placed.count(other) == 0 && !other->quoted.empty() &&
               view->definition.find(other->quoted) != std::string::npos;
      });
      if (ready) {
        out.push_back(view);
        placed.insert(view);
      }
    }
    if (out.size() == before) { // a cycle of names (one only mentions another): model order
      for (const auto* view : views) {
        if (placed.insert(view).second) {
          out.push_back(view);
        }
      }
    }
  }
  return out;
}

std::string create_table(const SchemaModel& model, const SchemaObject& table) {
  std::string body;
  for (const auto& object : model.objects) {
    if (object.inside_table && object.table == table.name) {
      body += (body.empty() ? "\n  " : ",\n  ") + object.definition;
    }
  }
  return "CREATE TABLE " + table.quoted + " (" + body + "\n)" + table.definition + ";\n\n";
}

} // namespace

std::string to_string(ObjectKind kind) { return k_kind_names.at(static_cast<std::size_t>(kind)); }

std::optional<ObjectKind> parse_object_kind(const std::string& text) {
  for (std::size_t i = 0; i < k_kind_names.size(); ++i) {
    if (text == k_kind_names[i]) {
      return static_cast<ObjectKind>(i);
    }
  }
  return std::nullopt;
}

SchemaModel model_of(std::vector<ReadObject> read, std::string preamble) {
  std::sort(read.begin(), read.end(), [](const ReadObject& a, const ReadObject& b) {
    return std::tie(a.object.kind, a.object.table, a.position, a.object.name) <
           std::tie(b.object.kind, b.object.table, b.position, b.object.name);
  });
  SchemaModel model;
  model.preamble = std::move(preamble);
  model.objects.reserve(read.size());
  for (auto& one : read) {
    model.objects.push_back(std::move(one.object));
  }
  return model;
}

std::string serialize(const SchemaModel& model) {
  std::string out;
  for (const auto& object : model.objects) {
    out += to_string(object.kind) + '\t' + escape(object.table) + '\t' + escape(object.name) + '\t' +
           escape(object.quoted) + '\t' + (object.inside_table ? "1" : "0") + '\t' + escape(object.definition) +
           '\n';
  }
  return out;
}

SchemaModel parse_schema(const std::string& text) {
  SchemaModel model;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    std::vector<std::string> fields = split_tabs(line);
    std::optional<ObjectKind> kind = fields.size() == 6 ? parse_object_kind(fields[0]) : std::nullopt;
    if (!kind) {
      throw Error("a recorded schema line is not one dbctl wrote: " + line.substr(0, 80));
    }
    model.objects.push_back(
        {*kind, unescape(fields[1]), unescape(fields[2]), unescape(fields[5]), unescape(fields[3]), fields[4] == "1"});
  }
  return model;
}

std::string fingerprint(const SchemaModel& model) { return util::sha256_hex(serialize(model)); }

SchemaDiff diff(const SchemaModel& reference, const SchemaModel& live) {
  SchemaDiff out;
  auto before = by_key(reference);
  auto now = by_key(live);
  for (const auto& [key, object] : before) {
    auto found = now.find(key);
    if (found == now.end()) {
      out.missing.push_back(label(*object));
    } else if (found->second->definition != object->definition || found->second->quoted != object->quoted ||
               found->second->inside_table != object->inside_table) {
      out.changed.push_back(label(*object));
    }
  }
  for (const auto& [key, object] : now) {
    if (before.count(key) == 0) {
      out.added.push_back(label(*object));
    }
  }
  // Columns that only moved: the same columns, defined alike, in another order.
  if (out.empty() && serialize(reference) != serialize(live)) {
    out.changed.emplace_back("column order");
  }
  return out;
}

std::string describe(const SchemaDiff& diff, std::size_t limit) {
  std::vector<std::string> parts;
  for (const auto& name : diff.missing) {
    parts.push_back(name + " missing");
  }
  for (const auto& name : diff.added) {
    parts.push_back(name + " added");
  }
  for (const auto& name : diff.changed) {
    parts.push_back(name + " changed");
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size() && i < limit; ++i) {
    out += (i == 0 ? "" : ", ") + parts[i];
  }
  if (parts.size() > limit) {
    out += " and " + std::to_string(parts.size() - limit) + " more";
  }
  return out;
}

std::string render_ddl(const SchemaModel& model) {
  std::string out = model.preamble;
  for (std::size_t k = 0; k < k_kind_names.size(); ++k) {
    auto kind = static_cast<ObjectKind>(k);
    if (kind == ObjectKind::view) {
      for (const auto* view : views_in_order(model)) {
        out += view->definition + ";\n\n";
      }
      continue;
    }
    for (const auto& object : model.objects) {
      if (object.kind != kind || object.inside_table) {
        continue;
      }
      out += kind == ObjectKind::table ? create_table(model, object) : object.definition + ";\n\n";
    }
  }
  return out;
}

} // namespace dbctl::engine
