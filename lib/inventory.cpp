#include "inventory.h"
#include "json.h"

#include "error.h"
#include "record.h"

#include <algorithm>

namespace pom {

namespace {

const char* k_select =
    "SELECT id, sku, name, unit, cost_cents, price_cents, stock_milli, reorder_milli, chemical, billable, taxable, active, "
    "created_at, updated_at FROM inventory_item";

InventoryItem read_row(Statement& q) {
    InventoryItem i;
    i.id = q.getColumn(0).getInt64();
    i.sku = q.getColumn(1).getString();
    i.name = q.getColumn(2).getString();
    i.unit = q.getColumn(3).getString();
    i.cost_cents = q.getColumn(4).getInt64();
    i.price_cents = q.getColumn(5).getInt64();
    i.stock_milli = q.getColumn(6).getInt64();
    i.reorder_milli = q.getColumn(7).getInt64();
    i.chemical = q.getColumn(8).getString();
    i.billable = q.getColumn(9).getInt() != 0;
    i.taxable = q.getColumn(10).getInt() != 0;
    i.active = q.getColumn(11).getInt() != 0;
    i.created_at = q.getColumn(12).getString();
    i.updated_at = q.getColumn(13).getString();
    return i;
}

const std::vector<std::string> k_units = {"gal", "qt", "floz", "l", "ml", "lb", "oz", "kg", "g", "tab", "each", "bag", "bucket", "box"};

void validate(const InventoryFields& f) {
    if (f.sku && (f.sku->empty() || f.sku->size() > 64 || f.sku->find_first_of(" \t\n") != std::string::npos))
        fail(ErrorKind::BadInput, "--sku: '" + *f.sku + "' is not a valid SKU (1-64 characters, no spaces)");
    if (f.sku && std::all_of(f.sku->begin(), f.sku->end(), [](char c) { return c >= '0' && c <= '9'; }))
        fail(ErrorKind::BadInput, "--sku: '" + *f.sku + "' is a number; SKUs must not look like ids");
    if (f.name && f.name->find_first_not_of(" \t") == std::string::npos) fail(ErrorKind::BadInput, "--name: must not be empty");
    if (f.unit && std::find(k_units.begin(), k_units.end(), *f.unit) == k_units.end()) {
        std::string list;
        for (const auto& u : k_units) list += (list.empty() ? "" : ", ") + u;
        fail(ErrorKind::BadInput, "--unit: '" + *f.unit + "' is not a unit (" + list + ")");
    }
    if (f.reorder_milli && *f.reorder_milli < 0) fail(ErrorKind::BadInput, "--reorder: must not be negative");
    if (f.stock_milli && *f.stock_milli < 0) fail(ErrorKind::BadInput, "--stock: must not be negative");
}

Columns columns(const InventoryFields& f) {
    Columns cols;
    set_if(cols, "sku", f.sku);
    set_if(cols, "name", f.name);
    set_if(cols, "unit", f.unit);
    set_if(cols, "chemical", f.chemical);
    set_if(cols, "cost_cents", f.cost_cents);
    set_if(cols, "price_cents", f.price_cents);
    set_if(cols, "reorder_milli", f.reorder_milli);
    set_if(cols, "billable", f.billable);
    set_if(cols, "taxable", f.taxable);
    set_if(cols, "active", f.active);
    return cols;
}

/// `row`: the item's stored row when read already (the audit's before), else read again.
void move(Context& ctx, const InventoryItem& item, const std::string& kind, int64_t qty, std::optional<Cents> cost,
          std::optional<int64_t> service, const std::string& note, const Json* row = nullptr) {
    int64_t id = item.id;
    int64_t after = item.stock_milli + qty;
    if (after < 0 && (kind != "use" || !ctx.config.allow_negative_stock))
        fail(ErrorKind::Conflict, item.sku + " (" + item.name + "): only " + format_milli(item.stock_milli) + " " + item.unit +
                                      " in stock, " + format_milli(-qty) + " needed");
    Columns cols{{"stock_milli", after}};
    if (cost) cols.emplace_back("cost_cents", *cost);
    if (row) update_row(ctx, "inventory_item", *row, cols);
    else update_record(ctx, "inventory_item", id, cols);
    Columns m{{"item_id", id}, {"kind", kind}, {"quantity_milli", qty}, {"at", format_instant(ctx.now())}, {"actor", ctx.actor}};
    m.emplace_back("cost_cents", cost ? Value(*cost) : Value(nullptr));
    m.emplace_back("service_id", service ? Value(*service) : Value(nullptr));
    m.emplace_back("note", note.empty() ? Value(nullptr) : Value(note));
    insert_record(ctx, "inventory_move", m, false);
}

void move(Context& ctx, int64_t id, const std::string& kind, int64_t qty, std::optional<Cents> cost,
          std::optional<int64_t> service, const std::string& note) {
    move(ctx, get_item(ctx.store, id), kind, qty, cost, service, note);
}

}  // namespace

int64_t add_item(Context& ctx, const InventoryFields& f) {
    if (!f.sku || !f.name || !f.unit) fail(ErrorKind::Usage, "--sku, --name and --unit are required");
    validate(f);
    auto& q = ctx.store.prepare("SELECT id FROM inventory_item WHERE sku = ?");
    q.bind(1, *f.sku);
    if (q.executeStep()) {
        int64_t other = q.getColumn(0).getInt64();
        q.reset();
        fail(ErrorKind::Conflict, "SKU '" + *f.sku + "' is already item " + std::to_string(other));
    }
    Columns cols = columns(f);
    int64_t id = insert_record(ctx, "inventory_item", cols);
    if (f.stock_milli && *f.stock_milli > 0) move(ctx, id, "receive", *f.stock_milli, f.cost_cents, std::nullopt, "opening stock");
    return id;
}

bool edit_item(Context& ctx, int64_t id, const InventoryFields& f) {
    validate(f);
    get_item(ctx.store, id);
    if (f.stock_milli) fail(ErrorKind::Usage, "stock changes through receive or adjust, so that every change is recorded");
    if (f.sku) {
        auto& q = ctx.store.prepare("SELECT id FROM inventory_item WHERE sku = ? AND id != ?");
        q.bind(1, *f.sku);
        q.bind(2, id);
        if (q.executeStep()) {
            q.reset();
            fail(ErrorKind::Conflict, "SKU '" + *f.sku + "' is already used");
        }
    }
    return update_record(ctx, "inventory_item", id, columns(f));
}

InventoryItem get_item(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no inventory item with id " + std::to_string(id));
    InventoryItem i = read_row(q);
    q.reset();
    return i;
}

int64_t resolve_item(Store& store, const std::string& key) {
    if (!key.empty() && key.size() < 19 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        int64_t id = std::stoll(key);
        get_item(store, id);
        return id;
    }
    auto& q = store.prepare("SELECT id FROM inventory_item WHERE sku = ?1 UNION ALL SELECT id FROM inventory_item "
                            "WHERE name = ?1 COLLATE NOCASE LIMIT 1");
    q.bind(1, key);
    if (q.executeStep()) {
        int64_t id = q.getColumn(0).getInt64();
        q.reset();
        return id;
    }
    fail(ErrorKind::NotFound, "no inventory item '" + key + "' (by id, SKU or name)");
}

std::optional<int64_t> find_chemical_item(Store& store, const std::string& chemical) {
    auto& q = store.prepare("SELECT id FROM inventory_item WHERE active = 1 AND (chemical = ?1 COLLATE NOCASE OR sku = ?1 "
                            "OR name = ?1 COLLATE NOCASE) ORDER BY chemical IS NULL, id LIMIT 1");
    q.bind(1, chemical);
    std::optional<int64_t> out;
    if (q.executeStep()) out = q.getColumn(0).getInt64();
    q.reset();
    return out;
}

std::vector<InventoryItem> list_items(Store& store, bool low_only, bool include_inactive) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (!include_inactive) sql += " AND active = 1";
    if (low_only) sql += " AND stock_milli <= reorder_milli";
    sql += " ORDER BY sku";
    Statement q(store, sql);
    std::vector<InventoryItem> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

void receive_item(Context& ctx, int64_t id, int64_t quantity_milli, std::optional<Cents> cost, const std::string& note) {
    if (quantity_milli <= 0) fail(ErrorKind::BadInput, "--qty: a delivery must be more than zero");
    move(ctx, id, "receive", quantity_milli, cost, std::nullopt, note);
}

void adjust_item(Context& ctx, int64_t id, int64_t delta_milli, const std::string& reason) {
    if (delta_milli == 0) fail(ErrorKind::BadInput, "--qty: an adjustment of zero changes nothing");
    if (reason.empty()) fail(ErrorKind::Usage, "--reason is required for an adjustment");
    move(ctx, id, "adjust", delta_milli, std::nullopt, std::nullopt, reason);
}

void use_item(Context& ctx, const InventoryItem& item, int64_t quantity_milli, int64_t service_id) {
    move(ctx, item, "use", -quantity_milli, std::nullopt, service_id, "service " + std::to_string(service_id));
}

void use_item(Context& ctx, const ItemRow& item, int64_t quantity_milli, int64_t service_id) {
    move(ctx, item.item, "use", -quantity_milli, std::nullopt, service_id, "service " + std::to_string(service_id), &item.row);
}

ItemRow get_item_row(Store& store, int64_t id) {
    Statement q = row_statement(store, "inventory_item", id);
    auto rows = item_rows(q);
    if (rows.empty()) fail(ErrorKind::NotFound, "no inventory item with id " + std::to_string(id));
    return std::move(rows.begin()->second);
}

Statement ticket_items_statement(Store& store, int64_t service_id) {
    Statement q(store, "SELECT * FROM inventory_item WHERE id IN (SELECT item_id FROM dose WHERE service_id = ?1 "
                       "UNION SELECT item_id FROM service_item WHERE service_id = ?1) ORDER BY id");
    q.bind(1, service_id);
    return q;
}

std::map<int64_t, ItemRow> item_rows(Statement& q) {
    // SELECT * gives inventory_item's columns in the table's order, which is k_select's (and
    // PostgreSQL's is SQLite's: pg_schema checks it): read_row reads the item, the row is the audit's.
    std::map<int64_t, ItemRow> out;
    while (q.executeStep()) {
        ItemRow r{read_row(q), current_row_json(q)};
        int64_t id = r.item.id;
        out.emplace(id, std::move(r));
    }
    q.reset();
    return out;
}

std::vector<InventoryMove> item_moves(Store& store, int64_t id, int64_t limit) {
    Statement q(store, "SELECT id, kind, quantity_milli, cost_cents, service_id, note, at, actor FROM inventory_move "
                                    "WHERE item_id = ? ORDER BY at DESC, id DESC LIMIT ?");
    q.bind(1, id);
    q.bind(2, limit);
    std::vector<InventoryMove> out;
    while (q.executeStep()) {
        InventoryMove m;
        m.id = q.getColumn(0).getInt64();
        m.kind = q.getColumn(1).getString();
        m.quantity_milli = q.getColumn(2).getInt64();
        if (!q.getColumn(3).isNull()) m.cost_cents = q.getColumn(3).getInt64();
        if (!q.getColumn(4).isNull()) m.service_id = q.getColumn(4).getInt64();
        m.note = q.getColumn(5).getString();
        m.at = q.getColumn(6).getString();
        m.actor = q.getColumn(7).getString();
        out.push_back(m);
    }
    return out;
}

const std::vector<std::string>& item_fields() {
    static const std::vector<std::string> f{"id",      "sku",     "name",    "unit",     "cost",    "price",
                                            "stock",   "reorder", "low",     "chemical", "billable", "taxable",
                                            "active",  "created_at", "updated_at"};
    return f;
}

Json item_json(const InventoryItem& i) {
    return object({
        {"id", i.id},
        {"sku", i.sku},
        {"name", i.name},
        {"unit", i.unit},
        {"cost", format_money(i.cost_cents)},
        {"price", format_money(i.price_cents)},
        {"stock", format_milli(i.stock_milli)},
        {"reorder", format_milli(i.reorder_milli)},
        {"low", i.stock_milli <= i.reorder_milli},
        {"chemical", i.chemical.empty() ? Json(nullptr) : Json(i.chemical)},
        {"billable", i.billable},
        {"taxable", i.taxable},
        {"active", i.active},
        {"created_at", i.created_at},
        {"updated_at", i.updated_at},
    });
}

}  // namespace pom
