-- Run by the package test inside `nvim --headless`: opens a workflow, starts the language server with
-- Neovim's built-in LSP client (the 0.7 API: start_client + buf_attach_client), waits for its
-- diagnostics and writes vim.diagnostic.get() as JSON to $WP_OUT.
local file, root, server, out = os.getenv('WP_FILE'), os.getenv('WP_ROOT'), os.getenv('WP_SERVER'), os.getenv('WP_OUT')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'workflow-provenance',
  cmd = { server, '--stdio' },
  root_dir = root,
  -- Offline, so the test makes no network request.
  settings = { workflowProvenance = { online = false } },
})
vim.lsp.buf_attach_client(bufnr, client_id)

local arrived = vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(found, {
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    severity = d.severity, source = d.source, code = d.code, message = d.message,
  })
end
local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode({ arrived = arrived, filetype = vim.bo[bufnr].filetype, diagnostics = found }))
f:close()
vim.lsp.stop_client(client_id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
vim.cmd('qa!')
