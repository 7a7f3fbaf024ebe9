// The package ships JavaScript only; this is the part of its surface the registry client uses.
declare module 'auth-header' {
  export interface AuthHeader {
    scheme: string;
    params: Record<string, string | string[]>;
    token: string | string[] | null;
  }
  export function parse(header: string): AuthHeader;
}
