# Completes a command line in a real interactive zsh and prints the candidates, one per line.
#   zsh -f zsh_complete.zsh COMPLETIONS_DIR 'pom customer li'
# zsh runs under zpty with compinit and the _pom in COMPLETIONS_DIR; Tab goes through zsh's
# completion system (_main_complete, _arguments, _describe ...), and a compadd wrapper prints the
# matches the completion functions offer instead of inserting them. (After zsh-capture-completion.)
zmodload zsh/zpty || exit 2
dir=$1
line=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf $tmp; zpty -d z 2>/dev/null' EXIT

cat > $tmp/init.zsh <<'INIT'
PROMPT=
RPROMPT=
fpath=($ZC_DIR $fpath)
autoload -U compinit
compinit -u -d $ZC_TMP/zcompdump
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
_zc_mark() { print -rn -- $'\0\n' }
compprefuncs=(_zc_mark)
comppostfuncs=(_zc_mark exit)
compadd() {
  # Calls that only ask which words would match (-O, -A, -D) go to the real compadd.
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __hits
  builtin compadd -A __hits "$@"
  local h
  for h in $__hits; do print -r -- "<<$h>>"; done
}
print -r -- ZC_$((6*7))
INIT

export ZC_DIR=$dir ZC_TMP=$tmp
zpty z zsh -f -i
zpty -w z "source $tmp/init.zsh"
local out
repeat 50; do
  zpty -r -t z out 2>/dev/null || { sleep 0.1; continue }
  [[ $out == *ZC_42* ]] && break
done
[[ $out == *ZC_42* ]] || { print -u2 "zsh_complete: the shell did not start"; exit 2 }
zpty -w -n z "$line"$'\t'
integer seen=0
local all=""
while zpty -r z chunk; do
  all+=$chunk
  [[ $all == *$'\0'*$'\0'* ]] && break
done
# The matches are printed between the two NUL marks, each as <<match>>.
all=${all#*$'\0'}
all=${all%%$'\0'*}
for m in ${(f)all}; do
  m=${m//$'\r'/}
  [[ $m == '<<'*'>>' ]] && print -r -- ${${m#<<}%>>}
done
exit 0
