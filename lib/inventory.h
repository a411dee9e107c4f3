#pragma once
#include "audit.h"
#include "money.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

/// A stocked product: chemicals, parts, tablets. Quantities are thousandths of `unit`.
struct InventoryItem {
    int64_t id = 0;
    std::string sku, name, unit;
    Cents cost_cents = 0;   ///< internal: never on customer documents
    Cents price_cents = 0;
    int64_t stock_milli = 0;
    int64_t reorder_milli = 0;
    std::string chemical;  ///< the chemical name doses use, when this item is one
    bool billable = true;
    bool taxable = true;
    bool active = true;
    std::string created_at, updated_at;
};

struct InventoryFields {
    std::optional<std::string> sku, name, unit, chemical;
    std::optional<Cents> cost_cents, price_cents;
    std::optional<int64_t> stock_milli, reorder_milli;
    std::optional<bool> billable, taxable, active;
};

int64_t add_item(Context& ctx, const InventoryFields& f);
bool edit_item(Context& ctx, int64_t id, const InventoryFields& f);
InventoryItem get_item(Store& store, int64_t id);
/// By id, SKU, or exact name.
int64_t resolve_item(Store& store, const std::string& key);
/// The active item stocking a chemical (by chemical name, SKU or name), if any.
std::optional<int64_t> find_chemical_item(Store& store, const std::string& chemical);
std::vector<InventoryItem> list_items(Store& store, bool low_only, bool include_inactive);

/// Adds stock (a delivery), optionally at a new unit cost.
void receive_item(Context& ctx, int64_t id, int64_t quantity_milli, std::optional<Cents> cost, const std::string& note);
/// Corrects stock by a signed amount (a count, breakage); the reason is required.
void adjust_item(Context& ctx, int64_t id, int64_t delta_milli, const std::string& reason);
/// Takes stock for a service ticket. Refuses to go below zero unless the config allows it.
/// `item` as just read in this transaction: it is not read again.
void use_item(Context& ctx, const InventoryItem& item, int64_t quantity_milli, int64_t service_id);
/// An item with its stored row (row_json's), read in one statement: what a change to its stock
/// needs for its audit entry without reading the row again.
struct ItemRow {
    InventoryItem item;
    Json row;
};
ItemRow get_item_row(Store& store, int64_t id);
/// Every stock item a service ticket's doses and used items take, with its row: a read for
/// Store::run_together, its rows read by item_rows.
Statement ticket_items_statement(Store& store, int64_t service_id);
std::map<int64_t, ItemRow> item_rows(Statement& q);
void use_item(Context& ctx, const ItemRow& item, int64_t quantity_milli, int64_t service_id);

struct InventoryMove {
    int64_t id = 0;
    std::string kind;
    int64_t quantity_milli = 0;
    std::optional<Cents> cost_cents;
    std::optional<int64_t> service_id;
    std::string note, at, actor;
};
std::vector<InventoryMove> item_moves(Store& store, int64_t id, int64_t limit);

Json item_json(const InventoryItem& i);
const std::vector<std::string>& item_fields();

}  // namespace pom
