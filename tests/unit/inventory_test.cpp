// Stock items: get_item_row reads an item and its stored row in one statement.
#include "audit.h"
#include "error.h"
#include "fixture.h"
#include "inventory.h"

#include <catch2/catch.hpp>

using namespace pom;

TEST_CASE("get_item_row gives what get_item and row_json give, from one read") {
    test::Fixture f;
    InventoryFields fields;
    fields.sku = "LC-1";
    fields.name = "Liquid chlorine";
    fields.unit = "gal";
    fields.chemical = "liquid chlorine";
    fields.price_cents = 550;
    fields.cost_cents = 300;
    fields.stock_milli = 12500;
    fields.reorder_milli = 4000;
    fields.taxable = false;
    int64_t id = add_item(f.ctx, fields);
    ItemRow ir = get_item_row(f.ctx.store, id);
    InventoryItem it = get_item(f.ctx.store, id);
    CHECK(ir.row == row_json(f.ctx.store, "inventory_item", id));
    CHECK(ir.item.id == it.id);
    CHECK(ir.item.sku == "LC-1");
    CHECK(ir.item.name == it.name);
    CHECK(ir.item.unit == it.unit);
    CHECK(ir.item.cost_cents == 300);
    CHECK(ir.item.price_cents == 550);
    CHECK(ir.item.stock_milli == 12500);
    CHECK(ir.item.reorder_milli == 4000);
    CHECK(ir.item.chemical == "liquid chlorine");
    CHECK(ir.item.billable == it.billable);
    CHECK_FALSE(ir.item.taxable);
    CHECK(ir.item.active == it.active);
    CHECK(ir.item.created_at == it.created_at);
    CHECK(ir.item.updated_at == it.updated_at);
    CHECK_THROWS_AS(get_item_row(f.ctx.store, id + 1), Error);
}
