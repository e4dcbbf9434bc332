# Sourced by the image builds before each pip call (POSIX sh).
# Empty build arguments must not reach pip as empty options: an empty PIP_CERT would replace the CA
# bundle with nothing, an empty PIP_INDEX_URL would disable PyPI. Unset whatever is empty.
for _var in PIP_CERT PIP_INDEX_URL PIP_FIND_LINKS; do
    eval "_val=\${$_var:-}"
    if [ -z "$_val" ]; then unset "$_var"; else export "$_var"; fi
done
unset _var _val
