// pom completion bash|zsh|fish: completion scripts generated from the command definition.
//
// The scripts are made by walking the CLI11 tree that build_app() makes: every subcommand at
// every depth, every option (global options at every level, since pom lets them follow the
// subcommand), the choices of IsMember validators as values. Nothing here names a command, so a
// new subcommand is in the scripts as soon as it is registered; completions/regenerate rewrites the
// checked-in copies (tests/e2e/test_completions.py fails until it is run).
//
// Values that live in the database are completed by the hidden `pom completion ids KIND`, which
// prints `value<TAB>description` lines and nothing at all (exit 0) when there is no database. Which
// options and arguments take such values is decided by name, in value_kind() below: --customer and
// CUSTOMER take customers, --worker/--tech and WORKER workers, --pool and POOL pools; --db,
// --config, FILE and options typed FILE/PATH take file names.
#include "cli.h"
#include "completion.h"
#include "text_check.h"

#include <algorithm>
#include <sstream>

namespace pom::cli {

namespace {

struct OptSpec {
    std::vector<std::string> shorts;  ///< "-o"
    std::vector<std::string> longs;   ///< "--output"
    std::string description;
    bool takes_value = false;
    bool repeats = false;
    std::string value_name;            ///< "format", shown by zsh
    std::vector<std::string> choices;  ///< IsMember values
    std::string kind;                  ///< "customer", "worker", "pool", "file" or ""

    std::vector<std::string> names() const {
        auto n = shorts;
        n.insert(n.end(), longs.begin(), longs.end());
        return n;
    }
};

struct PosSpec {
    std::string name;
    std::string description;
    bool repeats = false;
    std::vector<std::string> choices;
    std::string kind;
};

struct Node {
    std::vector<std::string> path;  ///< {"pom", "appt", "series"}
    std::string description;
    std::vector<Node> subs;
    std::vector<OptSpec> options;  ///< the node's own
    std::vector<OptSpec> globals;  ///< on the root only: the options every level takes
    std::vector<PosSpec> positionals;

    std::string key() const {
        std::string k;
        for (const auto& p : path) k += (k.empty() ? "" : " ") + p;
        return k;
    }
    std::string ident(const std::string& sep) const {
        std::string k;
        for (const auto& p : path) {
            std::string part = p;
            std::replace(part.begin(), part.end(), '-', '_');
            k += (k.empty() ? "_" : sep) + part;
        }
        return k;
    }
};

/// What the value of an option or argument is, decided by its name (see the top of this file).
std::string value_kind(const std::string& name, const std::string& type_name) {
    std::string n = ascii_lower(name);
    while (!n.empty() && n.front() == '-') n.erase(0, 1);
    if (n == "customer") return "customer";
    if (n == "worker" || n == "tech" || n == "technician") return "worker";
    if (n == "pool") return "pool";
    if (n == "db" || n == "config" || n == "file" || n == "photo" || n.find("file") != std::string::npos) return "file";
    std::string t = ascii_lower(type_name);
    if (t.find("file") != std::string::npos || t.find("path") != std::string::npos) return "file";
    return "";
}

/// The values an IsMember validator accepts ("{a,b,c}" is how CLI11 describes it).
std::vector<std::string> choices_of(CLI::Option* o) {
    std::vector<std::string> out;
    for (int i = 0;; ++i) {
        CLI::Validator* v = nullptr;
        try {
            v = o->get_validator(i);
        } catch (const CLI::OptionNotFound&) {
            break;
        }
        std::string d = v->get_description();
        if (d.size() < 2 || d.front() != '{' || d.back() != '}') continue;
        std::stringstream in(d.substr(1, d.size() - 2));
        std::string item;
        while (std::getline(in, item, ',')) out.push_back(item);
    }
    return out;
}

bool visible(const CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); }

/// Adds the options of `app` to `into`, its positional arguments to `node`.
void add_options(Node& node, std::vector<OptSpec>& into, CLI::App* app) {
    bool group = app->get_name().empty();
    for (CLI::Option* o : app->get_options()) {
        if (o->get_group().empty()) continue;                  // hidden
        if (group && o == app->get_help_ptr()) continue;  // an option group's own --help is its parent's
        if (o->get_positional() && !o->nonpositional()) {
            PosSpec p;
            p.name = o->get_name(true);
            p.description = o->get_description();
            p.repeats = o->get_expected_max() > 1;
            p.choices = choices_of(o);
            p.kind = value_kind(p.name, o->get_type_name());
            node.positionals.push_back(std::move(p));
            continue;
        }
        OptSpec s;
        for (const auto& n : o->get_snames()) s.shorts.push_back("-" + n);
        for (const auto& n : o->get_lnames()) s.longs.push_back("--" + n);
        s.description = o->get_description();
        s.takes_value = o->get_expected_max() > 0;  // flags expect 0 values
        s.repeats = s.takes_value && o->get_expected_max() > 1;
        s.choices = choices_of(o);
        s.value_name = s.longs.empty() ? "value" : s.longs.front().substr(2);
        s.kind = s.takes_value ? value_kind(s.value_name, o->get_type_name()) : "";
        into.push_back(std::move(s));
    }
}

Node walk(CLI::App* app, std::vector<std::string> path) {
    Node node;
    node.path = std::move(path);
    node.description = app->get_description();
    add_options(node, node.options, app);
    // Option groups are nameless subcommands holding options of their parent; pom's are the global
    // options, which work at every level.
    for (CLI::App* g : app->get_subcommands([](CLI::App* s) { return s->get_name().empty(); }))
        add_options(node, node.path.size() == 1 ? node.globals : node.options, g);
    for (CLI::App* s : app->get_subcommands(visible)) {
        auto p = node.path;
        p.push_back(s->get_name());
        node.subs.push_back(walk(s, std::move(p)));
    }
    return node;
}

template <class F>
void each(const Node& n, F&& f) {
    f(n);
    for (const auto& s : n.subs) each(s, f);
}

std::string one_line(std::string s) {
    for (auto& c : s)
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    return s;
}

std::string join(const std::vector<std::string>& v, const std::string& sep = " ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

/// A string in single quotes for bash and zsh.
std::string sq(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

/// A string in single quotes for fish (backslash escapes ' and \).
std::string fq(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

const char* k_header =
    "Generated by `pom completion %s` from pom's command definition: do not edit.\n"
    "# Regenerate every script with completions/regenerate (tests/e2e/test_completions.py checks them).\n";

std::string header(const std::string& shell) {
    std::string h = k_header;
    h.replace(h.find("%s"), 2, shell);
    return h;
}

// ---- bash ---------------------------------------------------------------------------------------

std::string value_spec(const std::vector<std::string>& choices, const std::string& kind) {
    if (!choices.empty()) return join(choices);
    if (!kind.empty()) return "@" + kind;
    return "";
}

std::string bash_script(const Node& root) {
    std::ostringstream o;
    o << "# bash completion for pom                                  -*- shell-script -*-\n# " << header("bash");
    o << "# Install: copy to /usr/share/bash-completion/completions/pom, or source it from ~/.bashrc.\n\n";

    o << "# The subcommands of each command.\n_pom_subcommands=(\n";
    each(root, [&](const Node& n) {
        std::vector<std::string> names;
        for (const auto& s : n.subs) names.push_back(s.path.back());
        if (!names.empty()) o << "  [" << sq(n.key()) << "]=" << sq(join(names)) << "\n";
    });
    // Global options are under "global": they work at every level.
    auto option_lists = [&](bool values) {
        auto line = [&](const std::string& key, const std::vector<OptSpec>& opts) {
            std::vector<std::string> names;
            for (const auto& s : opts)
                if (s.takes_value == values)
                    for (const auto& x : s.names()) names.push_back(x);
            if (!names.empty()) o << "  [" << sq(key) << "]=" << sq(join(names)) << "\n";
        };
        line("global", root.globals);
        each(root, [&](const Node& n) { line(n.key(), n.options); });
    };
    auto value_lines = [&](const std::string& key, const std::vector<OptSpec>& opts) {
        for (const auto& s : opts) {
            std::string v = value_spec(s.choices, s.kind);
            if (s.takes_value && !v.empty())
                for (const auto& x : s.names()) o << "  [" << sq(key + " " + x) << "]=" << sq(v) << "\n";
        }
    };
    o << ")\n\n# Options that take a value, and flags (\"global\": the global options, at every level).\n_pom_value_options=(\n";
    option_lists(true);
    o << ")\n_pom_flags=(\n";
    option_lists(false);
    o << ")\n\n# Values: a list of words, or @customer, @worker, @pool (from the database) or @file.\n"
         "# Keys are \"COMMAND OPTION\" and \"COMMAND #N\" for the Nth argument (#* for any further one).\n"
         "_pom_values=(\n";
    value_lines("global", root.globals);
    each(root, [&](const Node& n) {
        value_lines(n.key(), n.options);
        for (size_t i = 0; i < n.positionals.size(); ++i) {
            const auto& p = n.positionals[i];
            std::string v = value_spec(p.choices, p.kind);
            if (v.empty()) continue;
            o << "  [" << sq(n.key() + " #" + std::to_string(i + 1)) << "]=" << sq(v) << "\n";
            if (p.repeats && i + 1 == n.positionals.size()) o << "  [" << sq(n.key() + " #*") << "]=" << sq(v) << "\n";
        }
    });
    o << ")\n\n";
    o << R"BASH(# `pom completion ids KIND` with the --db and --config of the command line; quiet without a database.
_pom_ids() {
    local kind=$1 line value
    local -a lines
    mapfile -t lines < <(command pom "${_pom_dbargs[@]}" completion ids "$kind" 2>/dev/null)
    for line in "${lines[@]}"; do
        value=${line%%$'\t'*}
        [[ $value == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$value")")
    done
}

_pom_complete_value() {
    local spec=$1
    case $spec in
        @file)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
        @*) _pom_ids "${spec#@}" ;;
        '') ;;
        *) mapfile -t COMPREPLY < <(compgen -W "$spec" -- "$cur") ;;
    esac
}

_pom_takes_value() {  # COMMAND OPTION
    [[ " ${_pom_value_options[$1]} ${_pom_value_options[global]} " == *" $2 "* ]]
}

_pom_value_of() {  # COMMAND OPTION: prints the value spec, global options looked up under "global"
    if [[ -n ${_pom_values["$1 $2"]+set} ]]; then
        printf '%s' "${_pom_values["$1 $2"]}"
    else
        printf '%s' "${_pom_values["global $2"]}"
    fi
}

_pom() {
    local cur=${COMP_WORDS[COMP_CWORD]} path=pom word opt i=1 npos=0 pending=""
    _pom_dbargs=()
    COMPREPLY=()
    # Walk the words before the cursor: subcommands, options with their values, arguments.
    while (( i < COMP_CWORD )); do
        word=${COMP_WORDS[i]}
        if [[ $word == -?* && $word != *=* ]] && _pom_takes_value "$path" "$word"; then
            opt=$word
            [[ ${COMP_WORDS[i+1]} == = ]] && (( i++ ))  # --opt=value, split at '=' by bash
            if (( i + 1 >= COMP_CWORD )); then
                pending=$opt
            else
                (( i++ ))
                case $opt in
                    --db|--config) _pom_dbargs+=("$opt" "${COMP_WORDS[i]}") ;;
                esac
            fi
        elif [[ $word == -* ]]; then
            :
        elif (( npos == 0 )) && [[ " ${_pom_subcommands[$path]} " == *" $word "* ]]; then
            path="$path $word"
        else
            (( npos++ ))
        fi
        (( i++ ))
    done
    if [[ -n $pending ]]; then
        _pom_complete_value "$(_pom_value_of "$path" "$pending")"
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${_pom_value_options[$path]} ${_pom_flags[$path]} ${_pom_value_options[global]} ${_pom_flags[global]}" -- "$cur")
    elif [[ -n ${_pom_subcommands[$path]} ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${_pom_subcommands[$path]}" -- "$cur")
    elif [[ -n ${_pom_values["$path #$((npos + 1))"]+set} ]]; then
        _pom_complete_value "${_pom_values["$path #$((npos + 1))"]}"
    elif [[ -n ${_pom_values["$path #*"]+set} ]]; then
        _pom_complete_value "${_pom_values["$path #*"]}"
    fi
    return 0
}
complete -F _pom pom
)BASH";
    std::string s = o.str();
    // Associative arrays must be declared before they are filled.
    for (const char* name : {"_pom_subcommands", "_pom_value_options", "_pom_flags", "_pom_values"}) {
        std::string from = std::string("\n") + name + "=(";
        auto at = s.find(from);
        s.replace(at, from.size(), std::string("\nunset ") + name + "; declare -gA " + name + "=(");
    }
    return s;
}

// ---- zsh ----------------------------------------------------------------------------------------

/// Text inside an _arguments [description] or a _describe entry.
std::string zdesc(const std::string& s) {
    std::string out;
    for (char c : one_line(s)) {
        if (c == '[' || c == ']' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string zaction(const std::vector<std::string>& choices, const std::string& kind) {
    if (!choices.empty()) return "(" + join(choices) + ")";
    if (kind == "file") return "_files";
    if (!kind.empty()) return "_pom_ids " + kind;
    return "";
}

std::string zspec_option(const OptSpec& s) {
    auto names = s.names();
    std::string tail = "[" + zdesc(s.description) + "]" +
                       (s.takes_value ? ":" + s.value_name + ":" + zaction(s.choices, s.kind) : "");
    if (names.size() == 1) return sq((s.repeats ? "*" : "") + names.front() + tail);
    // Several names: one excludes the others, unless the option may be repeated.
    return sq(s.repeats ? "*" : "(" + join(names) + ")") + "{" + join(names, ",") + "}" + sq(tail);
}

std::string zsh_script(const Node& root) {
    std::ostringstream o;
    o << "#compdef pom\n# zsh completion for pom.\n# " << header("zsh");
    o << "# Install: put this file, named _pom, in a folder of $fpath (before compinit runs).\n\n";
    o << R"ZSH(# `pom completion ids KIND` with the --db and --config of the command line; quiet without a database.
_pom_ids() {
  local kind=$argv[-1] line i  # _arguments puts compadd options first
  local -a words_ dbargs lines described
  words_=(${(z)BUFFER})
  for (( i = 1; i < ${#words_}; i++ )); do
    case $words_[i] in
      --db|--config) dbargs+=($words_[i] ${(Q)words_[i+1]}) ;;
      --db=*|--config=*) dbargs+=(${(Q)words_[i]}) ;;
    esac
  done
  lines=(${(f)"$(command pom $dbargs completion ids $kind 2>/dev/null)"})
  for line in $lines; do
    described+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
  done
  _describe -t $kind $kind described
}

)ZSH";
    // Global options, offered at every level.
    o << "_pom_global_options=(\n";
    for (const auto& s : root.globals) o << "  " << zspec_option(s) << "\n";
    o << ")\n\n";
    each(root, [&](const Node& n) {
        o << n.ident("__") << "() {\n";
        if (!n.subs.empty()) o << "  local curcontext=$curcontext state state_descr line ret=1\n  typeset -A opt_args\n";
        o << "  _arguments -s -S" << (n.subs.empty() ? "" : " -C") << " \\\n    $_pom_global_options \\\n";
        for (const auto& s : n.options) o << "    " << zspec_option(s) << " \\\n";
        if (!n.subs.empty()) {
            o << "    ': :->command' \\\n    '*:: :->argument' && ret=0\n";
            o << "  case $state in\n    command)\n      local -a commands=(\n";
            for (const auto& s : n.subs) {
                std::string name = s.path.back();
                o << "        " << sq(name + ":" + one_line(s.description)) << "\n";
            }
            std::string what = n.key() + " command";
            o << "      )\n      _describe -t commands " << sq(what) << " commands && ret=0 ;;\n";
            o << "    argument)\n      curcontext=${curcontext%:*:*}:" << join(n.path, "-") << "-$words[1]:\n";
            o << "      local fn=" << n.ident("__") << "__${words[1]//-/_}\n";
            o << "      if (( $+functions[$fn] )); then $fn && ret=0; else _message \"no such command: $words[1]\"; fi ;;\n";
            o << "  esac\n  return ret\n}\n\n";
        } else {
            for (size_t i = 0; i < n.positionals.size(); ++i) {
                const auto& p = n.positionals[i];
                std::string pos = p.repeats && i + 1 == n.positionals.size() ? "*" : std::to_string(i + 1);
                o << "    " << sq(pos + ":" + ascii_lower(p.name) + ":" + zaction(p.choices, p.kind)) << " \\\n";
            }
            o << "    && return 0\n  return 1\n}\n\n";
        }
    });
    o << R"ZSH(if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _pom "$@"
else
  compdef _pom pom
fi
)ZSH";
    return o.str();
}

// ---- fish ---------------------------------------------------------------------------------------

std::string fish_script(const Node& root) {
    std::ostringstream o;
    o << "# fish completion for pom.\n# " << header("fish");
    o << "# Install: copy to ~/.config/fish/completions/pom.fish (or /usr/share/fish/vendor_completions.d/).\n\n";
    o << "# The subcommands of a command, and its options that take a value.\nfunction __pom_subcommands\n    switch $argv[1]\n";
    each(root, [&](const Node& n) {
        if (n.subs.empty()) return;
        std::vector<std::string> names;
        for (const auto& s : n.subs) names.push_back(s.path.back());
        o << "        case " << fq(n.key()) << "\n            printf '%s\\n' " << join(names) << "\n";
    });
    o << "    end\nend\n\n# (\"global\": the global options, at every level)\nfunction __pom_value_options\n    switch $argv[1]\n";
    auto value_options = [&](const std::string& key, const std::vector<OptSpec>& opts) {
        std::vector<std::string> names;
        for (const auto& s : opts)
            if (s.takes_value)
                for (const auto& x : s.names()) names.push_back(x);
        if (names.empty()) return;
        o << "        case " << fq(key) << "\n            printf '%s\\n' -- " << join(names) << "\n";
    };
    value_options("global", root.globals);
    each(root, [&](const Node& n) { value_options(n.key(), n.options); });
    o << "    end\nend\n\n";
    o << R"FISH(# The command the cursor is in ("pom customer list"), from the words before it.
function __pom_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l path pom
    set -l skip 0
    set -l args 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '-*=*'
            case '-*'
                if contains -- $w (__pom_value_options $path) (__pom_value_options global)
                    set skip 1
                end
            case '*'
                if test $args = 0; and contains -- $w (__pom_subcommands $path)
                    set path "$path $w"
                else
                    set args (math $args + 1)
                end
        end
    end
    echo $path
end

function __pom_is
    test (__pom_path) = "$argv[1]"
end

# `pom completion ids KIND` with the --db and --config of the command line; quiet without a database.
function __pom_ids
    set -l words (commandline -opc)
    set -l dbargs
    for i in (seq (count $words))
        switch $words[$i]
            case --db --config
                set -l next (math $i + 1)
                if test $next -le (count $words)
                    set -a dbargs $words[$i] $words[$next]
                end
            case '--db=*' '--config=*'
                set -a dbargs $words[$i]
        end
    end
    command pom $dbargs completion ids $argv[1] 2>/dev/null
end

complete -c pom -f
)FISH";
    auto option_line = [&](const std::string& cond, const OptSpec& s) {
        o << "complete -c pom";
        if (!cond.empty()) o << " -n " << fq("__pom_is " + fq(cond));
        for (const auto& x : s.shorts) o << " -s " << x.substr(1);
        for (const auto& x : s.longs) o << " -l " << x.substr(2);
        if (s.takes_value) {
            if (!s.choices.empty()) o << " -x -a " << fq(join(s.choices));
            else if (s.kind == "file") o << " -r -F";
            else if (!s.kind.empty()) o << " -x -a " << fq("(__pom_ids " + s.kind + ")");
            else o << " -x";
        }
        o << " -d " << fq(one_line(s.description)) << "\n";
    };
    o << "\n# Global options, at every level.\n";
    for (const auto& s : root.globals) option_line("", s);
    each(root, [&](const Node& n) {
        std::string cond = n.key();
        o << "\n# " << cond << "\n";
        for (const auto& s : n.subs)
            o << "complete -c pom -n " << fq("__pom_is " + fq(cond)) << " -a " << s.path.back() << " -d "
              << fq(one_line(s.description)) << "\n";
        for (const auto& s : n.options) option_line(cond, s);
        if (!n.subs.empty()) return;
        std::vector<std::string> done;
        for (const auto& p : n.positionals) {
            std::string arg;
            if (!p.choices.empty()) arg = " -x -a " + fq(join(p.choices));
            else if (p.kind == "file") arg = " -F";
            else if (!p.kind.empty()) arg = " -x -a " + fq("(__pom_ids " + p.kind + ")");
            if (arg.empty() || std::find(done.begin(), done.end(), arg) != done.end()) continue;
            done.push_back(arg);
            o << "complete -c pom -n " << fq("__pom_is " + fq(cond)) << arg << "\n";
        }
    });
    return o.str();
}

}  // namespace

void register_completion(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("completion", "Shell completion scripts: bash, zsh, fish");
    cmd->require_subcommand(1);
    struct Shell {
        const char* name;
        const char* help;
        std::string (*make)(const Node&);
    };
    static const Shell shells[] = {
        {"bash", "The bash completion script (completions/pom.bash)", bash_script},
        {"zsh", "The zsh completion script (completions/_pom)", zsh_script},
        {"fish", "The fish completion script (completions/pom.fish)", fish_script},
    };
    for (const auto& sh : shells) {
        auto* sub = cmd->add_subcommand(sh.name, sh.help);
        sub->callback([&cli, &sh] {
            cli.plain([&] {
                Output o;
                o.text = sh.make(walk(cli.root, {"pom"}));
                return o;
            });
        });
    }
    // Used by the scripts: values from the database, `value<TAB>description` per line. Without a
    // database (or with any other trouble) it prints nothing and succeeds: a shell must not beep
    // errors at someone pressing Tab.
    auto kind = cli.bound<std::string>();
    auto* ids = cmd->add_subcommand("ids", "Values from the database for completion (customer, worker, pool)");
    ids->group("");
    ids->add_option("KIND", *kind, "customer, worker or pool")->required()->check(CLI::IsMember(candidate_kinds()));
    ids->callback([&cli, kind] {
        std::string text;
        try {
            cli.read([&](Context& ctx) {
                Output o;
                std::string t;
                for (const auto& c : completion_candidates(ctx.store, *kind))
                    t += one_line(c.value) + "\t" + one_line(c.description) + "\n";
                o.text = std::move(t);
                return o;
            });
            return;
        } catch (const std::exception&) {
        }
        Output o;
        o.text = "";
        cli.result = std::move(o);
    });
}

}  // namespace pom::cli
