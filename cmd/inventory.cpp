// pom inventory add|list|show|edit|receive|adjust
#include "cli.h"
#include "error.h"
#include "inventory.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "sku", "name", "unit", "stock", "reorder", "price", "low"};

struct ItemOptions {
    std::optional<std::string> sku, name, unit, chemical, cost, price, stock, reorder;
    std::optional<bool> billable, taxable, active;
};

void add_field_options(CLI::App* sub, ItemOptions& o, bool creating) {
    auto* sku = add_opt(sub, "--sku", o.sku, "Stock-keeping unit code (unique)");
    auto* name = add_opt(sub, "--name", o.name, "Name as it appears on invoices");
    auto* unit = add_opt(sub, "--unit", o.unit, "Unit: gal, qt, floz, l, ml, lb, oz, kg, g, tab, each, bag, bucket, box");
    if (creating) {
        sku->required();
        name->required();
        unit->required();
    }
    add_opt(sub, "--chemical", o.chemical, "The chemical name doses use (liquid chlorine, muriatic acid, ...)");
    add_opt(sub, "--cost", o.cost, "Unit cost (internal)");
    add_opt(sub, "--price", o.price, "Unit price charged to customers");
    if (creating) add_opt(sub, "--stock", o.stock, "Opening stock");
    add_opt(sub, "--reorder", o.reorder, "Reorder level: at or below it the item is low");
    add_bool(sub, "--billable,!--no-billable", o.billable, "Charged when used on a service (default: yes)");
    add_bool(sub, "--taxable,!--no-taxable", o.taxable, "Sales tax applies (default: yes)");
}

InventoryFields fields(const ItemOptions& o) {
    InventoryFields f;
    f.sku = o.sku;
    f.name = o.name;
    f.unit = o.unit;
    f.chemical = o.chemical;
    if (o.cost) f.cost_cents = parse_money(*o.cost, "--cost");
    if (o.price) f.price_cents = parse_money(*o.price, "--price");
    if (o.stock) f.stock_milli = parse_milli(*o.stock, "--stock");
    if (o.reorder) f.reorder_milli = parse_milli(*o.reorder, "--reorder");
    f.billable = o.billable;
    f.taxable = o.taxable;
    f.active = o.active;
    return f;
}

Output item_output(Store& store, int64_t id) { return detail(item_json(get_item(store, id)), item_fields()); }

}  // namespace

void register_inventory(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("inventory", "Inventory: chemicals and parts in stock");
    cmd->require_subcommand(1);
    {
        auto o = cli.bound<ItemOptions>();
        auto* sub = cmd->add_subcommand("add", "Add an item; prints the new record");
        add_field_options(sub, *o, true);
        sub->callback([&cli, o] { cli.write([&](Context& ctx) { return item_output(ctx.store, add_item(ctx, fields(*o))); }); });
    }
    {
        auto low = cli.bound<bool>(false);
        auto all = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("list", "List items by SKU");
        sub->add_flag("--low", *low, "Only items at or below their reorder level");
        sub->add_flag("--all", *all, "Include inactive items");
        sub->callback([&cli, low, all] {
            cli.read([&](Context& ctx) {
                std::vector<Json> rows;
                for (const auto& i : list_items(ctx.store, *low, *all)) rows.push_back(item_json(i));
                return records(std::move(rows), item_fields(), k_table);
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show an item with its latest stock movements");
        sub->add_option("ITEM", *key, "Id, SKU or name")->required();
        sub->callback([&cli, key] {
            cli.read([&](Context& ctx) {
                int64_t id = resolve_item(ctx.store, *key);
                Json j = item_json(get_item(ctx.store, id));
                Json moves = Json::array();
                for (const auto& m : item_moves(ctx.store, id, 20))
                    moves.push_back({{"at", m.at},
                                     {"kind", m.kind},
                                     {"quantity", format_milli(m.quantity_milli)},
                                     {"service_id", m.service_id ? Json(*m.service_id) : Json(nullptr)},
                                     {"note", m.note.empty() ? Json(nullptr) : Json(m.note)},
                                     {"by", m.actor}});
                j["moves"] = moves;
                auto f = item_fields();
                f.push_back("moves");
                return detail(std::move(j), f);
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto o = cli.bound<ItemOptions>();
        auto* sub = cmd->add_subcommand("edit", "Change an item (stock changes through receive and adjust)");
        sub->add_option("ITEM", *key, "Id, SKU or name")->required();
        add_field_options(sub, *o, false);
        add_bool(sub, "--active,!--inactive", o->active, "Still stocked (or not)");
        sub->callback([&cli, key, o] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_item(ctx.store, *key);
                bool changed = edit_item(ctx, id, fields(*o));
                Output out = item_output(ctx.store, id);
                if (!changed) out.note = "nothing changed";
                return out;
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto qty = cli.bound<std::string>();
        auto cost = cli.bound<std::optional<std::string>>();
        auto note = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("receive", "Record a delivery: stock goes up");
        sub->add_option("ITEM", *key, "Id, SKU or name")->required();
        sub->add_option("--qty", *qty, "Quantity received, in the item's unit")->required();
        add_opt(sub, "--cost", *cost, "New unit cost");
        sub->add_option("--note", *note, "Supplier, invoice number, ...");
        sub->callback([&cli, key, qty, cost, note] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_item(ctx.store, *key);
                std::optional<Cents> c;
                if (*cost) c = parse_money(**cost, "--cost");
                receive_item(ctx, id, parse_milli(*qty, "--qty"), c, *note);
                return item_output(ctx.store, id);
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto qty = cli.bound<std::string>();
        auto reason = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("adjust", "Correct stock by a signed quantity (a count, breakage)");
        sub->add_option("ITEM", *key, "Id, SKU or name")->required();
        sub->add_option("--qty", *qty, "Change: -2 or 3.5")->required()->allow_extra_args(false);
        sub->add_option("--reason", *reason, "Why")->required();
        sub->callback([&cli, key, qty, reason] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_item(ctx.store, *key);
                adjust_item(ctx, id, parse_milli(*qty, "--qty", true), *reason);
                return item_output(ctx.store, id);
            });
        });
    }
}

}  // namespace pom::cli
