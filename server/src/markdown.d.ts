// esbuild embeds Markdown files as strings (loader `text`).
declare module '*.md' {
  const content: string;
  export default content;
}
