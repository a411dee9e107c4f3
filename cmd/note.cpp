// pom note add|list|show|search: meeting notes, calls, transcripts; full-text search
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "note.h"
#include "text_check.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "created_at", "customer", "kind", "author", "text"};

}  // namespace

void register_note(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("note", "Notes: meeting notes, calls, transcripts; add, list, show, search");
    cmd->require_subcommand(1);

    {
        struct AddOptions {
            std::string customer, kind;
            std::optional<std::string> text, file;
            std::optional<int64_t> ticket, appt, callback;
        };
        auto o = cli.bound<AddOptions>();
        auto* sub = cmd->add_subcommand("add", "Add a note to a customer (and a ticket, visit or callback); prints it");
        sub->add_option("--customer", o->customer, "Customer id, ref or name")->required();
        add_opt(sub, "--ticket", o->ticket, "The ticket it belongs to");
        add_opt(sub, "--appt", o->appt, "The appointment it belongs to");
        add_opt(sub, "--callback", o->callback, "The callback it belongs to");
        sub->add_option("--kind", o->kind, "meeting, call, transcript or internal")->required()->check(CLI::IsMember({"meeting", "call", "transcript", "internal"}));
        auto* t = add_opt(sub, "--text", o->text, "The note");
        auto* f = add_opt(sub, "--file", o->file, "Read the note from a file (- for standard input), e.g. a transcript");
        t->excludes(f);
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                if (!o->text && !o->file) fail(ErrorKind::Usage, "give the note with --text or --file");
                NoteFields fl;
                fl.customer_id = resolve_customer(ctx.store, o->customer);
                fl.ticket_id = o->ticket;
                fl.appointment_id = o->appt;
                fl.callback_id = o->callback;
                fl.kind = o->kind;
                if (o->text) {
                    fl.text = *o->text;
                } else if (*o->file == "-") {
                    std::stringstream buf;
                    buf << std::cin.rdbuf();
                    fl.text = buf.str();
                    fl.source_file = "stdin";
                } else {
                    std::error_code ec;
                    if (std::filesystem::is_directory(*o->file, ec)) fail(ErrorKind::NoInput, "cannot read " + *o->file + ": it is a directory");
                    std::ifstream in(*o->file, std::ios::binary);
                    if (!in) fail(ErrorKind::NoInput, "cannot read " + *o->file);
                    std::stringstream buf;
                    buf << in.rdbuf();
                    fl.text = buf.str();
                    fl.source_file = std::filesystem::path(*o->file).filename().string();
                }
                if (o->file && !o->text) check_text(fl.text, TextKind::Document, "--file " + *o->file);
                return detail(note_json(get_note(ctx.store, add_note(ctx, fl))), note_fields());
            });
        });
    }
    {
        struct ListOptions {
            std::optional<std::string> customer, kind;
            std::optional<int64_t> ticket, appt, callback;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "List notes, oldest first");
        add_opt(sub, "--customer", o->customer, "Only this customer's");
        add_opt(sub, "--ticket", o->ticket, "Only this ticket's");
        add_opt(sub, "--appt", o->appt, "Only this appointment's");
        add_opt(sub, "--callback", o->callback, "Only this callback's");
        add_opt(sub, "--kind", o->kind, "meeting, call, transcript or internal")->check(CLI::IsMember({"meeting", "call", "transcript", "internal"}));
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                NoteFilter f;
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                f.ticket = o->ticket;
                f.appointment = o->appt;
                f.callback = o->callback;
                f.kind = o->kind;
                f.limit = o->limit;
                std::vector<Json> rows;
                for (const auto& n : list_notes(ctx.store, f)) rows.push_back(note_json(n));
                return records(std::move(rows), note_fields(), k_table);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one note");
        sub->add_option("ID", *id, "Note id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) { return detail(note_json(get_note(ctx.store, parse_id(*id, "ID"))), note_fields()); });
        });
    }
    {
        struct SearchOptions {
            std::vector<std::string> words;
            std::optional<std::string> customer;
            int64_t limit = 20;
        };
        auto o = cli.bound<SearchOptions>();
        auto* sub = cmd->add_subcommand("search", "Full-text search of notes: every word must match (word* for a prefix), best first");
        sub->add_option("WORDS", o->words, "Words to find")->required();
        add_opt(sub, "--customer", o->customer, "Only this customer's notes");
        sub->add_option("--limit", o->limit, "At most this many (default 20; 0: all)")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                std::optional<int64_t> customer;
                if (o->customer) customer = resolve_customer(ctx.store, *o->customer);
                std::string words;
                for (const auto& w : o->words) words += (words.empty() ? "" : " ") + w;
                std::vector<Json> rows;
                for (const auto& h : search_notes(ctx.store, words, customer, o->limit)) rows.push_back(note_hit_json(h));
                return records(std::move(rows), note_hit_fields(), {"rank", "id", "customer", "kind", "created_at", "snippet"});
            });
        });
    }
}

}  // namespace pom::cli
