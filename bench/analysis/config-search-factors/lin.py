# Probe: Gaussian (low-rank) conditioning over workloads vs attention vs ratio reference.
import sys, math, random, numpy as np
sys.path.insert(0,__import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)),'..','config-search-regret'))
import mape as M
T=M.T; names=M.names
keys=sorted({k for t in T.values() for k in t}); K={k:i for i,k in enumerate(keys)}; C=len(keys)
def mat(ws):
    Y=np.full((len(ws),C),np.nan)
    for i,w in enumerate(ws):
        for k,v in T[w].items(): Y[i,K[k]]=v
    return Y
_fit={}
def fit(train, r, lam=1.0, iters=30):
    key=(tuple(train),r,lam)
    if key in _fit: return _fit[key]
    Y=mat(train); O=~np.isnan(Y); n=len(train)
    a=np.nanmean(Y,1); b=np.zeros(C)
    U=np.zeros((n,r)); V=np.random.RandomState(0).normal(0,0.1,(C,r))
    Y0=np.where(O,Y,0)
    for it in range(iters):
        # b: column effect
        R=Y0-a[:,None]-U@V.T
        b=(np.where(O,R,0).sum(0))/(O.sum(0)+1e-9)
        # a,U per workload: ridge on U
        for i in range(n):
            o=O[i]; X=np.hstack([np.ones((o.sum(),1)),V[o]]); y=Y[i,o]-b[o]
            P=np.diag([1e-6]+[lam]*r)
            z=np.linalg.solve(X.T@X+P,X.T@y); a[i]=z[0]; U[i]=z[1:]
        if r>0:
            for c in range(C):
                o=O[:,c]
                if o.sum()==0: continue
                X=U[o]; y=Y[o,c]-a[o]-b[c]
                V[c]=np.linalg.solve(X.T@X+lam*np.eye(r),X.T@y)
    # noise
    res=np.where(O,Y0-a[:,None]-b[None,:]-U@V.T,0); s2=(res**2).sum()/max(1,O.sum()-n*(r+1)-C)
    Z=np.hstack([a[:,None],U]); m=Z.mean(0); P=np.cov(Z.T) if n>2 else np.eye(r+1)
    P=np.atleast_2d(P)
    _fit[key]=(b,V,m,P,s2); return _fit[key]
def lin_predict(train, shots, qs, r, shrink=0.5, lam=1.0, levelprior=True):
    b,V,m,P,s2=fit(train,r,lam)
    # shrink covariance toward its diagonal, inflate for robustness
    P2=(1-shrink)*P+shrink*np.diag(np.diag(P))
    if not levelprior:
        P2=P2.copy(); P2[0,:]=0;P2[:,0]=0;P2[0,0]=1e6
    idx=[K[s] for s in shots]; y=np.array([shots[s] for s in shots])
    X=np.hstack([np.ones((len(idx),1)),V[idx]])
    Pi=np.linalg.inv(P2+1e-9*np.eye(len(m)))
    A=Pi+X.T@X/s2; z=np.linalg.solve(A,Pi@m+X.T@(y-b[idx])/s2)
    q=[K[x] for x in qs]
    return b[q]+np.hstack([np.ones((len(q),1)),V[q]])@z
def run(folds, variants, seeds=3, ks=(1,2,3)):
    out={}
    for v in variants:
        for k in ks:
            per_seed=[]
            for seed in range(seeds):
                errs=[]
                for train,tests in folds:
                    for w in tests:
                        keysw=list(T[w]); rr=random.Random(seed*7919+k*104729+hash(w)%1000)
                        sk=rr.sample(keysw,k); shots={q:T[w][q] for q in sk}
                        qs=[q for q in keysw if q not in shots]
                        truth=np.array([T[w][q] for q in qs])
                        if v[0]=='lin':
                            p=lin_predict(train,shots,qs,*v[1:])
                        else:
                            p=np.array([M.predict(train,shots,q,v[1]) for q in qs])
                        errs.append(np.mean(np.abs(np.exp(p-truth)-1)))
                per_seed.append(np.mean(errs))
            out[(v,k)]=(np.mean(per_seed),np.std(per_seed))
    return out
if False:
    mode=sys.argv[1]
    vs=[('m','ref'),('m','v0')]+[eval(x) for x in sys.argv[2:]]
    o=run(M.folds_of(mode),vs)
    for v in vs: print(mode,'%-28s'%str(v),' '.join('%.3f'%o[(v,k)][0] for k in (1,2,3)),'mean %.3f'%np.mean([o[(v,k)][0] for k in (1,2,3)]))
_orig_run=run
def run(folds, variants, seeds=3, ks=(1,2,3)):
    out={}
    for v in variants:
        if v[0]!='mix': out.update(_orig_run(folds,[v],seeds,ks)); continue
        for k in ks:
            per_seed=[]
            for seed in range(seeds):
                errs=[]
                for train,tests in folds:
                    for w in tests:
                        keysw=list(T[w]); rr=random.Random(seed*7919+k*104729+hash(w)%1000)
                        sk=rr.sample(keysw,k); shots={q:T[w][q] for q in sk}
                        qs=[q for q in keysw if q not in shots]
                        truth=np.array([T[w][q] for q in qs])
                        p1=lin_predict(train,shots,qs,v[1],v[2])
                        p2=np.array([M.predict(train,shots,q,'v0') for q in qs])
                        p=v[3]*p2+(1-v[3])*p1
                        errs.append(np.mean(np.abs(np.exp(p-truth)-1)))
                per_seed.append(np.mean(errs))
            out[(v,k)]=(np.mean(per_seed),np.std(per_seed))
    return out
if __name__=='__main__':
    mode=sys.argv[1]
    vs=[('m','ref'),('m','v0')]+[eval(x) for x in sys.argv[2:]]
    o=run(M.folds_of(mode),vs)
    for v in vs: print(mode,'%-28s'%str(v),' '.join('%.3f'%o[(v,k)][0] for k in (1,2,3)),'mean %.3f'%np.mean([o[(v,k)][0] for k in (1,2,3)]))
